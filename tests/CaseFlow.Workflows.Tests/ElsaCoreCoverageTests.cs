using System.Text;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Workflows.Tests;

/// <summary>
/// Counts how many of elsa-core's own JSON test definitions CaseFlow loads and runs to the outcome their Elsa test
/// states. Elsa's files are not copied here: point ELSA_CORE_TESTS at a checkout's <c>test</c> folder to count
/// (without it the test reports itself skipped). Each file is run on an engine that has imported the other files of
/// its folder (its children), as Elsa's tests import a folder. The table below is what Elsa's test for each file
/// asserts about running it; a file not in it is judged by "publishes and runs to Finished without a fault", which is
/// what the Elsa tests that assert other things (caches, descriptors, logs) also need of it.
/// </summary>
public class ElsaCoreCoverageTests
{
    private sealed record Expectation(string[]? Lines = null, bool Ordered = true, WorkflowStatus Status = WorkflowStatus.Finished,
        Dictionary<string, object?>? Input = null, (string Name, string Value)? Variable = null, bool PublishRefused = false, bool Excluded = false);

    private const string I = "integration/Elsa.Workflows.IntegrationTests/";
    private const string C = "component/Elsa.Workflows.ComponentTests/";
    private static readonly Expectation Http = new(Excluded: true), CSharp = new(Excluded: true);

    private static readonly Dictionary<string, Expectation> Expected = new(StringComparer.Ordinal)
    {
        // Need HTTP endpoints or C# expressions: outside CaseFlow, not counted.
        [C + "Scenarios/CachingAndWorkflowDefinitionActivity/Workflows/workflow-definition-parent.json"] = Http,
        [C + "Scenarios/HttpWorkflows/Workflows/http-hello-world.json"] = Http,
        [C + "Scenarios/WorkflowActivities/Workflows/CacheInvalidation_Parent.json"] = Http,
        [C + "Scenarios/WorkflowDefinitionRefresh/dynamic-endpoint-http-workflow.json"] = Http,
        [C + "Scenarios/WorkflowDefinitionReload/Workflows/http-workflow.json"] = Http,
        [I + "Scenarios/ImportAndPublish/Workflows/http-workflow.json"] = Http,
        [I + "Scenarios/ParentChildOutputMapping/Workflows/b.json"] = CSharp,
        [I + "Scenarios/ParentChildOutputMapping/Workflows/d.json"] = CSharp,
        [I + "Scenarios/ParentChildOutputMapping/Workflows/consumer.json"] = CSharp,
        [I + "Scenarios/WorkflowOutputMapping/Workflows/workflow-output.json"] = CSharp,

        [C + "Scenarios/InputOutput/Workflows/consumer.json"] = new(Variable: ("Variable1", "Hello World!")),
        [I + "Activities/ExecuteWorkflow/Workflows/parent-with-wait.json"] = new(["Parent: Before child", "Child: Executing", "Parent: After child"]),
        [I + "Activities/ExecuteWorkflow/Workflows/parent-with-input.json"] = new(["Child received: Hello from parent"], Ordered: false),
        [I + "Activities/ExecuteWorkflow/Workflows/parent-capture-output.json"] = new(["Child output: 42", "Parent received: 42"], Ordered: false),
        [I + "Scenarios/ImportAndPublish/Workflows/cron-every-hour.json"] = new(Status: WorkflowStatus.Suspended),
        // Its only Elsa test runs it through d.json, which needs C#.
        [I + "Scenarios/ParentChildOutputMapping/Workflows/c.json"] = CSharp,
        [I + "Activities/ExecuteWorkflow/Workflows/parent-no-wait.json"] = new(["Parent: Before child", "Child: Executing", "Parent: After child"], Ordered: false),
        [I + "Scenarios/CompositesAndOutcomes/Workflows/tester.json"] = new(["Start", "End"]),
        [I + "Scenarios/DependencyWorkflows/Workflows/matter-activity.json"] = new(Enumerable.Repeat("Atom", 9).ToArray()),
        [I + "Scenarios/ExplicitJoins/Workflows/join-any-1.json"] = new(["Start", "End"]),
        [I + "Scenarios/ExplicitJoins/Workflows/join-all-1.json"] = new(["Start", "Line 1", "Line 2", "End"]),
        [I + "Scenarios/ExplicitJoins/Workflows/join-all-2.json"] = new(["Start", "Line 1", "Line 2", "End"]),
        [I + "Scenarios/ImportAndExecute/Workflows/writeline.json"] = new(["Dummy Text"]),
        [I + "Scenarios/ImportAndExecute/Workflows/implicit-loop.json"] = new(["Do something", "Retry", "Do something", "Done"]),
        [I + "Scenarios/ImportAndPublish/Workflows/bad-cron-expression.json"] = new(PublishRefused: true),
        [I + "Scenarios/ImportAndPublish/Workflows/timer-workflow.json"] = new(Status: WorkflowStatus.Suspended),
        [I + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-none.json"] = new(["A", "C"]),
        [I + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-converge.json"] = new(["A"]),
        [I + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-converge-strict.json"] = new(["A"]),
        [I + "Scenarios/JoinBehaviors/Workflows/fork-decision-join-waitall.json"] = new(["A", "C", "B", "D"], Status: WorkflowStatus.Faulted),
        [I + "Scenarios/ParentChildInputs/Workflows/parent1.json"] = new(["Parent: Foo", "Child: Bar"], Input: new() { ["Input1"] = "Foo" }),
        [I + "Scenarios/ParentChildInputs/Workflows/parent2.json"] = new(["Parent: Foo", "Child: Foo"], Input: new() { ["Input1"] = "Foo" }),
        [I + "Scenarios/ParentChildOutputMapping/Workflows/calculator.json"] = new(["Result: 9"]),
        [I + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-with-input.json"] = new(["Hello from parent!"], Ordered: false),
        [I + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-with-output.json"] = new(["Received from child: Child output value"], Ordered: false),
        [I + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-with-outcomes.json"] = new(["Success path taken"], Ordered: false),
        [I + "Scenarios/WorkflowDefinitionActivities/Workflows/parent-version-fallback.json"] = new(["Published version executed"], Ordered: false),
    };

    [Test]
    public async Task Elsa_core_json_definitions_load_and_run()
    {
        var root = Environment.GetEnvironmentVariable("ELSA_CORE_TESTS");
        if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
            Assert.Ignore("Set ELSA_CORE_TESTS to elsa-core's test folder to count coverage.");
        var report = new StringBuilder();
        int passed = 0, counted = 0, excluded = 0;
        var files = Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && File.ReadAllText(f).Contains("\"root\""))
            .GroupBy(f => Path.GetDirectoryName(f)!);
        foreach (var folder in files.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var file in folder.OrderBy(f => f, StringComparer.Ordinal))
            {
                var rel = Path.GetRelativePath(root, file).Replace('\\', '/');
                var expect = Expected.GetValueOrDefault(rel) ?? new Expectation();
                if (expect.Excluded)
                {
                    excluded++;
                    report.AppendLine($"EXCLUDED {rel}");
                    continue;
                }
                counted++;
                var (ok, detail) = await JudgeAsync(file, folder.ToList(), expect);
                if (ok) passed++;
                report.AppendLine($"{(ok ? "PASS" : "MISS")} {rel}: {detail}");
            }
        }
        report.AppendLine($"{passed} of {counted} counted definitions run as their Elsa test states ({100.0 * passed / Math.Max(1, counted):F0} %); {excluded} excluded (HTTP or C#).");
        TestContext.Out.WriteLine(report.ToString());
    }

    private static async Task<(bool, string)> JudgeAsync(string file, List<string> folder, Expectation expect)
    {
        var h = new Harness();
        WorkflowDefinition subject;
        try
        {
            subject = WorkflowDefinition.Import(File.ReadAllBytes(file), WorkflowDefinitionService.NewId);
        }
        catch (Exception e)
        {
            return (false, "load: " + e.Message);
        }
        // The folder's other definitions (with other ids) are its possible children; publish them until none moves.
        var others = folder.Where(f => f != file).Select(f =>
        {
            try { return WorkflowDefinition.Import(File.ReadAllBytes(f), WorkflowDefinitionService.NewId); }
            catch (WorkflowFormatException) { return null; }
        }).Where(d => d is not null && d.DefinitionId != subject.DefinitionId).Select(d => d!).ToList();
        for (var round = 0; round < 4; round++)
            foreach (var d in others)
            {
                await h.Definitions.SaveDraftAsync(d);
                await h.Definitions.PublishAsync(d.DefinitionId);
            }
        await h.Definitions.SaveDraftAsync(subject);
        var published = await h.Definitions.PublishAsync(subject.DefinitionId);
        if (expect.PublishRefused)
            return (!published.Published, published.Published ? "published, Elsa refuses it" : "refused: " + published.Validation.Issues.First().Message);
        if (!published.Published)
            return (false, "publish: " + string.Join("; ", published.Validation.Issues.Where(i => i.Severity == ValidationSeverity.Error).Select(i => i.Message)));
        WorkflowInstance instance;
        try
        {
            instance = await h.Engine.StartAsync(subject.DefinitionId, input: expect.Input);
            // Short delays inside (Elsa's tests wait for them): move the clock on until the instance is done.
            for (var i = 0; i < 20 && instance.Status == WorkflowStatus.Suspended && expect.Status != WorkflowStatus.Suspended; i++)
            {
                await h.AdvanceAsync(TimeSpan.FromMinutes(1));
                instance = (await h.Engine.GetAsync(instance.Id))!;
            }
        }
        catch (Exception e)
        {
            return (false, "run: " + e.Message);
        }
        var lines = h.Sink.Lines;
        var detail = $"{instance.Status}{(instance.FaultMessage is null ? "" : " (" + instance.FaultMessage + ")")} | {string.Join(" / ", lines)}";
        var ok = instance.Status == expect.Status
                 && (expect.Lines is null || (expect.Ordered ? lines.SequenceEqual(expect.Lines) : expect.Lines.All(lines.Contains)))
                 && (expect.Variable is not { } v || instance.Variables.TryGetValue(v.Name, out var value) && value?.ToString() == v.Value);
        return (ok, detail);
    }
}
