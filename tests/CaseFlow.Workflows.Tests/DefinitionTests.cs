using System.Text.Json.Nodes;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using CaseFlow.Workflows.Validation;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

public class DefinitionTests
{
    private static WorkflowDefinition Limit(string delay, string id = "limits") => WorkflowDefinition.FromJsonObject(Definition(id,
        [Start(), Delay("L1Limit", delay), WriteLine("Escalate", $"escalate after {delay}")],
        [Connect("Start1", "L1Limit"), Connect("L1Limit", "Escalate")]));

    [Test]
    public async Task Versions_one_published_one_latest_and_drafts_over_published_versions_start_a_new_one()
    {
        var h = new Harness();
        var v1 = await h.Definitions.SaveDraftAsync(Limit("3.00:00:00"));
        Assert.That(v1.Definition.Version, Is.EqualTo(1));
        var again = await h.Definitions.SaveDraftAsync(Limit("2.00:00:00"));
        Assert.That(again.Definition.Version, Is.EqualTo(1), "an unpublished draft is saved in place");

        Assert.That((await h.Definitions.PublishAsync("limits")).Published, Is.True);
        var v2 = await h.Definitions.SaveDraftAsync(Limit("5.00:00:00"));
        Assert.That(v2.Definition.Version, Is.EqualTo(2));

        var versions = await h.Definitions.ListVersionsAsync("limits");
        Assert.That(versions.Select(v => (v.Version, v.IsLatest, v.IsPublished)), Is.EqualTo(new[] { (1, false, true), (2, true, false) }));

        await h.Definitions.PublishAsync("limits");
        versions = await h.Definitions.ListVersionsAsync("limits");
        Assert.That(versions.Select(v => (v.Version, v.IsLatest, v.IsPublished)), Is.EqualTo(new[] { (1, false, false), (2, true, true) }));

        Assert.That(await h.Definitions.RetractAsync("limits"), Is.True);
        Assert.That(await h.Definitions.GetPublishedAsync("limits"), Is.Null);
        var v3 = await h.Definitions.SaveDraftAsync(Limit("6.00:00:00"));
        Assert.That(v3.Definition.Version, Is.EqualTo(3), "a retracted version may have instances pinned to it, so it is not overwritten");
        Assert.That((await h.Definitions.PublishAsync("limits", version: 1)).Published, Is.True, "an older version can be republished");
        Assert.That((await h.Definitions.GetPublishedAsync("limits"))!.Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Running_instances_keep_their_version_and_new_ones_take_the_published_one()
    {
        var h = new Harness();
        await h.PublishAsync(Limit("3.00:00:00"));
        var old = await h.Engine.StartAsync("limits", "old");
        await h.PublishAsync(Limit("1.00:00:00"));
        var fresh = await h.Engine.StartAsync("limits", "new");
        Assert.That((old.DefinitionVersion, fresh.DefinitionVersion), Is.EqualTo((1, 2)));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(1)), Is.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "escalate after 1.00:00:00" }));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(2)), Is.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "escalate after 1.00:00:00", "escalate after 3.00:00:00" }));
    }

    [Test]
    public async Task Seventy_two_hours_written_as_72_00_00_is_refused_naming_the_activity_and_the_intended_form()
    {
        var h = new Harness();
        await h.PublishAsync(Limit("3.00:00:00"));
        await h.Definitions.SaveDraftAsync(Limit("72:00:00"));
        var result = await h.Definitions.PublishAsync("limits");

        Assert.That(result.Published, Is.False);
        var error = result.Validation.Errors.Single();
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.AmbiguousDuration));
        Assert.That((error.ActivityId, error.ActivityName), Is.EqualTo(("L1Limit", "L1Limit")));
        Assert.That(error.Message, Does.Contain("\"3.00:00:00\"").And.Contain("72 days").And.Contain("3 days"));
        Assert.That((await h.Definitions.GetPublishedAsync("limits"))!.Version, Is.EqualTo(1));
        Assert.That(TimeSpan.Parse("72:00:00", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(TimeSpan.FromDays(72)), "why it is refused");
    }

    [Test]
    public void Durations_are_checked_and_described_in_words()
    {
        Assert.That(DurationText.IsAmbiguous("24:00:00", out var day), Is.True);
        Assert.That(day, Is.EqualTo(TimeSpan.FromDays(1)));
        Assert.That(DurationText.IsAmbiguous("23:59:59", out _), Is.False);
        Assert.That(DurationText.IsAmbiguous("3.00:00:00", out _), Is.False);
        Assert.That(DurationText.IsAmbiguous("00:90:00", out var ninety), Is.True);
        Assert.That(ninety, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(DurationText.Describe(TimeSpan.FromHours(30)), Is.EqualTo("1 day 6 hours"));
        Assert.That(DurationText.Describe(TimeSpan.FromMinutes(1)), Is.EqualTo("1 minute"));
        Assert.That(DurationText.Describe(new TimeSpan(2, 0, 45, 5)), Is.EqualTo("2 days 45 minutes 5 seconds"));
        Assert.That(DurationText.Describe(TimeSpan.Zero), Is.EqualTo("0 seconds"));
        Assert.That(DurationText.Format(TimeSpan.FromHours(72)), Is.EqualTo("3.00:00:00"));
    }

    [Test]
    public void Validation_names_each_problem_and_its_activity()
    {
        var registry = Activities.ActivityRegistry.CreateWithBuiltIns();
        var validator = new WorkflowValidator(registry);
        var json = Definition("bad",
            [
                Start(),
                Activity("Mystery", "Acme.Teleport"),
                WriteLineJs("Script", "getX( +"),
                Delay("Weird", "three days"),
                WriteLine("Island", "never reached"),
                Activity("Decide", "Elsa.FlowDecision", ("condition", "Boolean", "Literal", "true")),
            ],
            [
                Connect("Start1", "Mystery"),
                Connect("Start1", "Script"),
                Connect("Script", "Weird"),
                Connect("Weird", "Decide"),
                Connect("Decide", "Ghost", "True"),
                Connect("Decide", "Script", "Maybe"),
            ]);
        var definition = WorkflowDefinition.FromJsonObject(json);

        var atSave = validator.Validate(definition, ValidationPurpose.Save);
        Assert.That(atSave.Issues.Single(i => i.Code == ValidationCodes.UnknownActivityType).Severity, Is.EqualTo(ValidationSeverity.Warning));

        var issues = validator.Validate(definition, ValidationPurpose.Publish).Issues;
        Assert.That(issues.Single(i => i.Code == ValidationCodes.UnknownActivityType).Severity, Is.EqualTo(ValidationSeverity.Error), "the flow reaches it");
        Assert.That(issues.Single(i => i.Code == ValidationCodes.UnknownActivityType).ActivityId, Is.EqualTo("Mystery"));
        Assert.That(issues.Single(i => i.Code == ValidationCodes.InvalidScript).ActivityId, Is.EqualTo("Script"));
        Assert.That(issues.Single(i => i.Code == ValidationCodes.InvalidDuration).ActivityId, Is.EqualTo("Weird"));
        Assert.That(issues.Single(i => i.Code == ValidationCodes.UnreachableActivity), Has.Property("ActivityId").EqualTo("Island").And.Property("Severity").EqualTo(ValidationSeverity.Warning));
        Assert.That(issues.Single(i => i.Code == ValidationCodes.DanglingConnection).Message, Does.Contain("Ghost"));
        Assert.That(issues.Single(i => i.Code == ValidationCodes.UnknownPort).Message, Does.Contain("Maybe").And.Contain("True, False"));
    }

    [Test]
    public async Task An_unknown_activity_type_is_kept_in_a_draft_but_blocks_publishing_only_when_it_would_run()
    {
        var h = new Harness();
        var unreachable = WorkflowDefinition.FromJsonObject(Definition("u",
            [Start(), WriteLine("W", "hi"), Activity("Later", "CaseFlow.NotYetBuilt")],
            [Connect("Start1", "W")]));
        var saved = await h.Definitions.SaveDraftAsync(unreachable);
        Assert.That(saved.Validation.HasErrors, Is.False);
        Assert.That((await h.Definitions.PublishAsync("u")).Published, Is.True, "never reached, so it can be published");

        var reachable = unreachable.Edit(j => j["root"]!["connections"]!.AsArray().Add(Connect("W", "Later")));
        await h.Definitions.SaveDraftAsync(reachable);
        var refused = await h.Definitions.PublishAsync("u");
        Assert.That(refused.Published, Is.False);
        Assert.That(refused.Validation.Errors.Single().Message, Does.Contain("CaseFlow.NotYetBuilt").And.Contain("Later"));
        var exported = JsonNode.Parse(await h.Definitions.ExportAsync("u"))!;
        Assert.That(exported["root"]!["activities"]![2]!["type"]!.GetValue<string>(), Is.EqualTo("CaseFlow.NotYetBuilt"));
    }

    [Test]
    public void A_flowchart_without_a_start_is_refused()
    {
        var validator = new WorkflowValidator(Activities.ActivityRegistry.CreateWithBuiltIns());
        var cycle = WorkflowDefinition.FromJsonObject(Definition("cycle",
            [WriteLine("A", "a"), WriteLine("B", "b")],
            [Connect("A", "B"), Connect("B", "A")]));
        Assert.That(validator.Validate(cycle, ValidationPurpose.Publish).Errors.Select(e => e.Code), Does.Contain(ValidationCodes.NoStartActivity));
    }

    [Test]
    public async Task Import_and_export_keep_the_file_and_stamp_the_stored_version()
    {
        var h = new Harness();
        var bytes = await File.ReadAllBytesAsync(Paths.Sample("fork.json"));
        var imported = await h.Definitions.ImportAsync(bytes);
        Assert.That(imported.Definition.Version, Is.EqualTo(1));
        Assert.That(imported.Definition.IsPublished, Is.False);
        await h.Definitions.PublishAsync(imported.Definition.DefinitionId);

        // fork.json says version 2, latest, published; the store says version 1, latest, published.
        var exported = JsonNode.Parse(await h.Definitions.ExportAsync(imported.Definition.DefinitionId))!;
        Assert.That(exported["version"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(exported["isPublished"]!.GetValue<bool>(), Is.True);
        Assert.That(exported.AsObject().First().Key, Is.EqualTo("$schema"));
        Assert.That(exported["customProperties"]!["Elsa:WorkflowContextProviderTypes"], Is.InstanceOf<JsonArray>());

        var workflow1 = await File.ReadAllBytesAsync(Paths.Sample("workflow1.json"));
        var w1 = await h.Definitions.ImportAsync(workflow1);
        Assert.That(System.Text.Encoding.UTF8.GetString(await h.Definitions.ExportAsync(w1.Definition.DefinitionId)),
            Is.EqualTo(System.Text.Encoding.UTF8.GetString(workflow1)), "version 1, latest, unpublished: nothing to stamp, the bytes are the file's");

        var timer = await File.ReadAllBytesAsync(Paths.Sample("timer-workflow.json"));
        var t = await h.Definitions.ImportAsync(timer);
        Assert.That(await h.Definitions.ExportAsync(t.Definition.DefinitionId), Is.EqualTo(timer), "the byte-order mark survives the store");

        await h.Definitions.PublishAsync(w1.Definition.DefinitionId);
        var stamped = WorkflowDefinition.Parse(await h.Definitions.ExportAsync(w1.Definition.DefinitionId));
        Assert.That(stamped.IsPublished, Is.True);
        Assert.That(stamped.Connections,
            Is.EqualTo(WorkflowDefinition.Parse(workflow1).Connections.Select(c => c with { IsLegacyShape = false })), "stamped, so written in the current shape");
    }

    [Test]
    public async Task Seeding_from_a_folder_imports_and_publishes_only_what_the_store_lacks()
    {
        var h = new Harness();
        var folder = Directory.CreateTempSubdirectory("caseflow-seed-");
        try
        {
            File.Copy(Paths.Sample("writeline.json"), Path.Combine(folder.FullName, "writeline.json"));
            File.Copy(Paths.Sample("bad-cron-expression.json"), Path.Combine(folder.FullName, "bad-cron.json"));
            var first = await h.Definitions.SeedFromDirectoryAsync(folder.FullName);
            Assert.That(first.Select(r => r.Published), Is.EqualTo(new[] { false, true }), "bad-cron.json, then writeline.json");
            Assert.That(first[0].Validation.Errors.Single().Code, Is.EqualTo(ValidationCodes.InvalidCron));

            await h.Definitions.SaveDraftAsync(Limit("1.00:00:00", id: "11e2b350dae8485498c16d1ce3843829"));
            var second = await h.Definitions.SeedFromDirectoryAsync(folder.FullName);
            Assert.That(second, Is.Empty);
            Assert.That(await h.Definitions.ListVersionsAsync("11e2b350dae8485498c16d1ce3843829"), Has.Count.EqualTo(2), "the administrator's draft is kept");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task A_file_without_ids_is_imported_with_new_ones_as_Elsa_does_and_runs()
    {
        var h = new Harness();
        var json = File.ReadAllText(Paths.Sample("hello-world.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove("id");
        node.Remove("definitionId");
        var saved = await h.Definitions.ImportAsync(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
        Assert.That(saved.Definition.DefinitionId, Does.Match("^[0-9a-f]{16}$"));
        var stored = System.Text.Json.Nodes.JsonNode.Parse(saved.Definition.Json)!.AsObject();
        Assert.That((string?)stored["definitionId"], Is.EqualTo(saved.Definition.DefinitionId), "the document of record carries the id it was given");
        Assert.That(stored.ContainsKey("id") && stored.ContainsKey("root"), Is.True, "given a version id, and nothing else lost");
        await h.Definitions.PublishAsync(saved.Definition.DefinitionId);
        await h.Engine.StartAsync(saved.Definition.DefinitionId);
        Assert.That(h.Sink.Lines, Is.Not.Empty, "it runs");

        var kept = await h.Definitions.ImportAsync(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.That(kept.Definition.DefinitionId, Is.EqualTo(System.Text.Json.Nodes.JsonNode.Parse(json)!["definitionId"]!.GetValue<string>()), "ids in the file are kept");
    }

    [Test]
    public async Task Starting_an_unpublished_definition_is_refused()
    {
        var h = new Harness();
        await h.Definitions.SaveDraftAsync(Limit("1.00:00:00"));
        Assert.That(async () => await h.Engine.StartAsync("limits"), Throws.InvalidOperationException.With.Message.Contains("no published version"));
    }
}
