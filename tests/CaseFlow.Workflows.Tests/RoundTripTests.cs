using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Tests.Support;

namespace CaseFlow.Workflows.Tests;

public class RoundTripTests
{
    public static IEnumerable<TestCaseData> SampleFiles() =>
        Directory.GetFiles(Paths.SamplesDir, "*.json").Order(StringComparer.Ordinal)
            .Select(file => new TestCaseData(file).SetArgDisplayNames(Path.GetFileName(file)));

    public static IEnumerable<TestCaseData> DefinitionFiles()
    {
        var files = Directory.GetFiles(Paths.SamplesDir, "*.json")
            .Concat(Directory.Exists(Paths.WorkflowsDir) ? Directory.GetFiles(Paths.WorkflowsDir, "*.json") : [])
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (var file in files)
            yield return new TestCaseData(file).SetArgDisplayNames(Path.GetRelativePath(Path.Combine(Paths.RepoRoot, ".."), file));
    }

    [Test]
    public void The_samples_folder_is_found_and_holds_every_expected_sample()
    {
        var names = Directory.GetFiles(Paths.SamplesDir, "*.json").Select(Path.GetFileName).ToList();
        Assert.That(names, Is.SupersetOf(new[]
        {
            "writeline.json", "hello-world.json", "implicit-loop.json", "join-all-1.json", "fork.json", "workflow1.json",
            "workflow2.json", "workflow3.json", "timer-workflow.json", "cron-every-hour.json", "bad-cron-expression.json",
        }));
    }

    [TestCaseSource(nameof(DefinitionFiles))]
    public void Load_then_save_gives_identical_bytes(string file)
    {
        var original = File.ReadAllBytes(file);
        var definition = WorkflowDefinition.Parse(original);
        Assert.That(definition.ToUtf8Bytes(), Is.EqualTo(original));
    }

    /// <summary>Elsa's files use layouts the writer models (indent, newline, empty-container style, BOM);
    /// a hand-written file in workflows/ may not (e.g. a one-line array), so that folder gets the semantic check below.</summary>
    [TestCaseSource(nameof(SampleFiles))]
    public void The_writer_itself_reproduces_the_file_from_the_parsed_tree(string file)
    {
        // Not served from the cached original bytes: this is the writer's own output.
        var original = File.ReadAllBytes(file);
        var rewritten = WorkflowDefinition.Parse(original).Reserialize();
        Assert.That(Encoding.UTF8.GetString(rewritten), Is.EqualTo(Encoding.UTF8.GetString(original)));
        Assert.That(rewritten, Is.EqualTo(original));
    }

    [TestCaseSource(nameof(DefinitionFiles))]
    public void The_rewritten_tree_holds_every_property_of_the_file(string file)
    {
        var original = File.ReadAllBytes(file);
        var definition = WorkflowDefinition.Parse(original);
        var offset = definition.Format.ByteOrderMark ? 3 : 0;
        var before = JsonNode.Parse(original.AsSpan(offset).ToArray());
        var after = JsonNode.Parse(definition.Reserialize().AsSpan(offset).ToArray());
        Assert.That(JsonNode.DeepEquals(before, after), Is.True);
    }

    [Test]
    public void The_timer_sample_keeps_its_byte_order_mark()
    {
        var original = File.ReadAllBytes(Paths.Sample("timer-workflow.json"));
        Assert.That(original.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        var definition = WorkflowDefinition.Parse(original);
        Assert.That(definition.Format.ByteOrderMark, Is.True);
        Assert.That(definition.Reserialize().Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(definition.Activities.Single(a => a.Type == "Elsa.Timer").CanStartWorkflow, Is.True);
    }

    [Test]
    public void Both_connection_shapes_read_the_same_way()
    {
        var legacy = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("workflow1.json")));
        Assert.That(legacy.Connections, Has.All.Matches<Connection>(c => c is { IsLegacyShape: true }));
        Assert.That(legacy.Connections.Select(c => (c.Source, c.SourcePort, c.Target, c.TargetPort)),
            Is.EqualTo(new[] { ("WriteLine1", "Done", "WriteLine2", "In"), ("WriteLine1", "Done", "WriteLine3", "In") }));

        var current = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("fork.json")));
        Assert.That(current.Connections.Select(c => c.SourcePort), Is.EqualTo(new[] { "One", "Two", "Three" }));
        Assert.That(current.Connections, Has.None.Matches<Connection>(c => c is { IsLegacyShape: true }));
    }

    [Test]
    public void Inputs_flags_variables_and_designer_layout_are_read()
    {
        var loop = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("implicit-loop.json")));
        Assert.That(loop.Variables.Single().Name, Is.EqualTo("Counter"));
        Assert.That(loop.Variables.Single().TypeName, Is.EqualTo("Int32"));
        var decision = loop.ActivitiesById["FlowDecision1"];
        Assert.That(decision.GetInput("condition")!.ExpressionType, Is.EqualTo("JavaScript"));
        Assert.That(decision.GetInput("condition")!.Text, Is.EqualTo("getCounter() > 1"));
        Assert.That(decision.Position, Is.EqualTo(new DesignerPosition(2940, 2400)));
        Assert.That(loop.LegacyStartActivityId, Is.EqualTo("Start1"));

        var cron = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("cron-every-hour.json")));
        var cronNode = cron.ActivitiesById["13658e4b3bfafaaf"];
        Assert.That(cronNode.CanStartWorkflow, Is.True);
        Assert.That(cronNode.Size!.Value.Width, Is.EqualTo(100.59999847412109));
    }

    [Test]
    public void An_edited_legacy_definition_is_written_in_the_current_shape_and_keeps_everything_else()
    {
        var original = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("workflow3.json")));
        var edited = original.WithVersionInfo(7, true, true);
        var json = JsonNode.Parse(edited.ToJson())!.AsObject();

        Assert.That(json.First().Key, Is.EqualTo("$schema"));
        Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(7));
        var connection = json["root"]!["connections"]![0]!.AsObject();
        Assert.That(connection["source"]!["activity"]!.GetValue<string>(), Is.EqualTo("WriteLine1"));
        Assert.That(connection["source"]!["port"]!.GetValue<string>(), Is.EqualTo("Done"));
        Assert.That(connection["vertices"], Is.InstanceOf<JsonArray>());
        var delay = json["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "Delay1")!.AsObject();
        Assert.That(delay["strategy"]!["expression"]!["value"]!.GetValue<string>(), Is.EqualTo("NonBlocking"), "unknown inputs are kept");
        Assert.That(delay["customProperties"]!["canStartWorkflow"]!.GetValue<bool>(), Is.False, "flags move under customProperties");
        Assert.That(delay.ContainsKey("canStartWorkflow"), Is.False);
        Assert.That(json["root"]!["applicationProperties"], Is.Not.Null);

        var reparsed = WorkflowDefinition.Parse(edited.ToUtf8Bytes());
        Assert.That(reparsed.Connections.Select(c => (c.Source, c.SourcePort, c.Target)),
            Is.EqualTo(original.Connections.Select(c => (c.Source, c.SourcePort, c.Target))));
        Assert.That(reparsed.Activities.Select(a => a.Id), Is.EqualTo(original.Activities.Select(a => a.Id)));
        // Saving the edited definition again is stable.
        Assert.That(WorkflowDefinition.Parse(reparsed.ToUtf8Bytes()).Reserialize(), Is.EqualTo(reparsed.ToUtf8Bytes()));
    }

    [Test]
    public void Unknown_activity_types_and_properties_survive_an_edit()
    {
        var json = Flow.Definition("custom",
            [Flow.Start(), Flow.Activity("Sla1", "CaseFlow.SlaTimer", ("limit", "String", "Literal", "3 working days"))],
            [Flow.Connect("Start1", "Sla1")]);
        json["root"]!["activities"]![1]!["calendar"] = new JsonObject { ["name"] = "uttarakhand", ["odd"] = new JsonArray(1, 2) };
        json["metadata"] = new JsonObject { ["owner"] = "admin" };
        var definition = WorkflowDefinition.FromJsonObject(json).Edit(j => j["name"] = "renamed");

        var back = JsonNode.Parse(definition.ToJson())!;
        Assert.That(back["name"]!.GetValue<string>(), Is.EqualTo("renamed"));
        Assert.That(back["metadata"]!["owner"]!.GetValue<string>(), Is.EqualTo("admin"));
        var sla = back["root"]!["activities"]![1]!;
        Assert.That(sla["type"]!.GetValue<string>(), Is.EqualTo("CaseFlow.SlaTimer"));
        Assert.That(sla["calendar"]!.ToJsonString(), Is.EqualTo("{\"name\":\"uttarakhand\",\"odd\":[1,2]}"));
        Assert.That(definition.ActivitiesById["Sla1"].GetInput("limit")!.Text, Is.EqualTo("3 working days"));
    }

    [Test]
    public void A_new_string_value_is_written_with_the_default_encoder()
    {
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("writeline.json")))
            .Edit(j => j["description"] = "a + b > \"c\"");
        Assert.That(definition.ToJson(), Does.Contain("\"description\": \"a \\u002B b \\u003E \\u0022c\\u0022\""));
    }

    [Test]
    public void Invalid_json_is_reported_as_a_format_error()
    {
        Assert.That(() => WorkflowDefinition.Parse("{ \"definitionId\": "), Throws.InstanceOf<WorkflowFormatException>());
        Assert.That(() => WorkflowDefinition.Parse("{ \"definitionId\": \"x\" }"), Throws.InstanceOf<WorkflowFormatException>().With.Message.Contains("root"));
    }

    [Test]
    public void The_parsed_element_is_a_read_only_view_of_the_whole_document()
    {
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("fork.json")));
        Assert.That(definition.Element.GetProperty("customProperties").GetProperty("Elsa:WorkflowContextProviderTypes").ValueKind, Is.EqualTo(JsonValueKind.Array));
    }
}
