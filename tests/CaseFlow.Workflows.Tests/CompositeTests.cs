using System.Text.Json.Nodes;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Workflows.Tests;

/// <summary>
/// Composites as Elsa 3 runs them: a published workflow used as an activity (inputs, outputs, outcomes, a wait
/// inside it across a restart), a sequence as the root, nested flowcharts and sequences, and Elsa.Complete. The
/// definitions are ours, beside this file in Fixtures/composites.
/// </summary>
public class CompositeTests
{
    private static string Fixture(string name) => Path.Combine(Paths.RepoRoot, "tests", "CaseFlow.Workflows.Tests", "Fixtures", "composites", name + ".json");

    private static async Task<string> PublishAsync(Harness h, params string[] names)
    {
        string last = "";
        foreach (var name in names)
            last = await h.PublishAsync(WorkflowDefinition.Parse(File.ReadAllBytes(Fixture(name))));
        return last;
    }

    [Test]
    public async Task A_workflow_used_as_an_activity_takes_its_input_and_hands_back_its_output()
    {
        var h = new Harness();
        var parent = await PublishAsync(h, "level-notice", "notice-parent");
        var instance = await h.Engine.StartAsync(parent);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "Notice to asha", "Parent read REF-ASHA and REF-ASHA" }),
            "the child read getOfficer(); the parent read getOutputFromNotice1() and the variable its output port is bound to");
        Assert.That(instance.Variables["ref"]!.GetValue<string>(), Is.EqualTo("REF-ASHA"));
    }

    [TestCase(250, "escalated")]
    [TestCase(40, "approved")]
    public async Task A_child_leaves_through_the_outcome_its_Complete_names(int amount, string line)
    {
        var h = new Harness();
        var router = await PublishAsync(h, "amount-check", "amount-router");
        var instance = await h.Engine.StartAsync(router, input: new Dictionary<string, object?> { ["amount"] = amount });
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { line }));
    }

    [Test]
    public async Task A_timer_inside_a_child_workflow_survives_a_restart_and_the_parent_resumes_once()
    {
        var h = new Harness();
        var parent = await PublishAsync(h, "wait-child", "wait-parent");
        var started = await h.Engine.StartAsync(parent, "p1");
        Assert.That(started.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "parent started" }));
        var timer = (await h.Store.ListForInstanceAsync(started.Id)).Single();
        Assert.That(timer.ActivityId, Is.EqualTo("c/dl"), "the child's Delay, addressed through the activity that runs the child");

        // Another engine over the same store, as a restarted server: it knows the instance only from what was stored.
        h.Time.Advance(TimeSpan.FromHours(2));
        var restarted = h.NewEngine("restarted");
        Assert.That(await restarted.FireAllDueTimersAsync(), Is.EqualTo(1));
        Assert.That(await restarted.FireAllDueTimersAsync(), Is.EqualTo(0));
        var done = await restarted.GetAsync(started.Id);
        Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "parent started", "child woke", "parent resumed with rested" }));
        Assert.That(await h.Store.ListForInstanceAsync(started.Id), Is.Empty);
    }

    [Test]
    public async Task A_sequence_root_runs_its_children_in_order_through_a_nested_flowchart_and_sequence()
    {
        var h = new Harness();
        var id = await PublishAsync(h, "sequence-root");
        var instance = await h.Engine.StartAsync(id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "first", "big", "inner one", "inner two", "last" }),
            "the decision's dead branch (small → never) is skipped and the nested flowchart still completes");
    }

    [Test]
    public async Task Complete_in_a_nested_flowchart_ends_it_at_once_and_cancels_its_other_branch()
    {
        var h = new Harness();
        var id = await PublishAsync(h, "complete-nested");
        var instance = await h.Engine.StartAsync(id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "going", "after the nested flowchart" }));
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty, "the event wait in the other branch is gone");
    }

    [Test]
    public async Task A_parent_naming_an_unknown_workflow_type_is_refused_at_publish_naming_the_activity()
    {
        var h = new Harness();
        // The child is not published, so its type means nothing to this server.
        await h.Definitions.SaveDraftAsync(WorkflowDefinition.Parse(File.ReadAllBytes(Fixture("notice-parent"))));
        var result = await h.Definitions.PublishAsync("notice-parent");
        Assert.That(result.Published, Is.False);
        var issue = result.Validation.Issues.Single(i => i.Code == ValidationCodes.UnknownActivityType);
        Assert.That(issue.ActivityId, Is.EqualTo("n1"));
        Assert.That(issue.Message, Does.Contain("LevelNotice"));
    }

    [Test]
    public async Task A_parent_keeps_the_child_version_it_was_designed_with_while_that_version_was_published()
    {
        var h = new Harness();
        await PublishAsync(h, "level-notice", "notice-parent");
        // Version 2 of the child says something else; the parent's node pins version 1 ("version": 1).
        var v2 = WorkflowDefinition.Parse(File.ReadAllBytes(Fixture("level-notice"))).Edit(json =>
            json["root"]!["activities"]![0]!["text"]!["expression"]!["value"] = "`v2 notice to ${getOfficer()}`");
        await h.PublishAsync(v2);
        var instance = await h.Engine.StartAsync("notice-parent");
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines[0], Is.EqualTo("Notice to asha"));

        // A node pinned to a version that was never published runs the version in force, as Elsa falls back.
        var unpinned = WorkflowDefinition.Parse(File.ReadAllBytes(Fixture("notice-parent"))).Edit(json =>
        {
            json["definitionId"] = "notice-parent-9";
            json["root"]!["activities"]![0]!["version"] = 9;
        });
        await h.PublishAsync(unpinned);
        await h.Engine.StartAsync("notice-parent-9");
        Assert.That(h.Sink.Lines[2], Is.EqualTo("v2 notice to asha"));

        // A child that asks its consumers to follow it (autoUpdateConsumingWorkflows) is run at its version in force.
        var v3 = v2.Edit(json =>
        {
            json["options"]!["autoUpdateConsumingWorkflows"] = true;
            json["root"]!["activities"]![0]!["text"]!["expression"]!["value"] = "`v3 notice to ${getOfficer()}`";
        });
        await h.PublishAsync(v3);
        await h.Engine.StartAsync("notice-parent");
        Assert.That(h.Sink.Lines[4], Is.EqualTo("v3 notice to asha"), "the parent pins version 1, but the child's version in force runs");
    }

    [Test]
    public async Task RunJavaScript_returns_its_result_a_FlowNode_runs_its_body_and_a_Merge_join_waits_for_every_inbound()
    {
        var h = new Harness();
        var id = await PublishAsync(h, "script-and-container");
        var instance = await h.Engine.StartAsync(id);
        var incidents = await h.Store.GetIncidentsAsync(instance.Id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => string.Join("\n", incidents.Select(i => i.Message + i.StackTrace)));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "inside the container: 42", "streamed" }),
            "'merged' has a dead inbound and mergeMode Merge, so it does not run; 'streamed' (the default) does");
        Assert.That(instance.Output["Answer"]!.GetValue<double>(), Is.EqualTo(42), "the script's Result, bound to the declared output");
    }

    [Test]
    public async Task ExecuteWorkflow_runs_a_child_instance_with_its_own_timer_across_a_restart_and_the_parent_resumes_once()
    {
        var h = new Harness();
        var parentId = await PublishAsync(h, "inspection", "inspection-parent");
        var parent = await h.Engine.StartAsync(parentId, "case-42");
        Assert.That(parent.Status, Is.EqualTo(WorkflowStatus.Suspended));
        var child = (await h.Store.ListAsync(new InstanceQuery(DefinitionId: "inspection"))).Single();
        Assert.That(child.Id, Is.Not.EqualTo(parent.Id), "the child is an instance of its own");
        Assert.That(child.CorrelationId, Is.EqualTo("case-42"), "the parent's correlation is carried over");
        Assert.That(await h.Store.ListForInstanceAsync(child.Id), Has.One.Matches<Bookmark>(b => b!.Kind == BookmarkKind.Timer), "the child's Delay is its own timer");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "inspecting Haldwani feeder 3" }));

        // The parent's check-up timers come and go while the child sleeps; then a restarted server fires the child's timer.
        for (var i = 0; i < 5; i++)
            await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        h.Time.Advance(TimeSpan.FromDays(1));
        var restarted = h.NewEngine("restarted");
        await restarted.FireAllDueTimersAsync();
        await restarted.FireAllDueTimersAsync();

        var done = await restarted.GetAsync(parent.Id);
        Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "inspecting Haldwani feeder 3", "parent read Haldwani feeder 3: transformer replaced" }));
        var resumedOnce = (await h.Store.GetJournalAsync(parent.Id)).Count(j => j.Kind == JournalKind.Completed && j.ActivityId == "x");
        Assert.That(resumedOnce, Is.EqualTo(1), "the ExecuteWorkflow activity completed once");
        Assert.That(await h.Store.ListForInstanceAsync(parent.Id), Is.Empty, "its check-up timer went with it");
    }

    [Test]
    public async Task A_child_ending_while_two_servers_sweep_resumes_its_parent_exactly_once()
    {
        var h = new Harness();
        var parentId = await PublishAsync(h, "inspection", "inspection-parent");
        var parents = new List<WorkflowInstance>();
        for (var i = 0; i < 20; i++)
            parents.Add(await h.Engine.StartAsync(parentId, $"case-{i}"));
        // The children's timers and the parents' check-ups fall due together, and two servers sweep at once.
        h.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var a = h.NewEngine("server-a");
        var b = h.NewEngine("server-b");
        for (var round = 0; round < 3; round++)
            await Task.WhenAll(a.FireAllDueTimersAsync(), b.FireAllDueTimersAsync());

        foreach (var p in parents)
        {
            var done = await h.Engine.GetAsync(p.Id);
            Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
            Assert.That((await h.Store.GetJournalAsync(p.Id)).Count(j => j.Kind == JournalKind.Completed && j.ActivityId == "x"), Is.EqualTo(1));
        }
        Assert.That(h.Sink.Lines.Count(l => l.StartsWith("parent read", StringComparison.Ordinal)), Is.EqualTo(20), "one line per parent, none twice");
    }

    [Test]
    public async Task A_child_start_lost_to_a_crash_after_the_parents_commit_is_made_good_by_the_check_up_timer()
    {
        var h = new Harness();
        var parentId = await PublishAsync(h, "inspection", "inspection-parent");
        // The parent's first step commits, and the server dies before its after-commit start of the child.
        var step = await h.Engine.PrepareStartAsync(parentId, "case-7", "parent-7", null, null, CancellationToken.None);
        Assert.That((await h.Store.CommitAsync(step.Commit)).Committed, Is.True);
        Assert.That(await h.Store.ListAsync(new InstanceQuery(DefinitionId: "inspection")), Is.Empty);
        Assert.That((await h.Store.GetAsync("parent-7"))!.State, Does.Contain("\"cst\"").And.Contain("Haldwani feeder 3"), "the parent keeps what the child starts with");

        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.That(await h.Store.ListAsync(new InstanceQuery(DefinitionId: "inspection")), Has.Count.EqualTo(1), "the check-up started it");
        Assert.That(h.Sink.Lines, Does.Contain("inspecting Haldwani feeder 3"), "with the input the parent gives it, not without");
        await h.AdvanceAsync(TimeSpan.FromDays(1));
        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        var done = await h.Engine.GetAsync("parent-7");
        Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
        Assert.That(h.Sink.Lines.Count(l => l.StartsWith("parent read", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That((await h.Store.GetAsync("parent-7"))!.State, Does.Not.Contain("\"cst\""), "what the start was kept with goes when the child is seen");
    }

    [Test]
    public async Task ForEach_with_Break_For_While_ParallelForEach_and_If_run_as_Elsa_runs_them()
    {
        var h = new Harness();
        var id = await PublishAsync(h, "loops");
        var instance = await h.Engine.StartAsync(id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "visit Nainital", "visit Almora", "total 6", "n 3", "item 1", "item 2", "not big" }),
            "Break at Almora leaves the ForEach; For adds 1+2+3; While counts to 3; getCurrentValue() in ParallelForEach; If's False port leads on");
    }

    [Test]
    public async Task A_loop_that_waits_in_its_body_keeps_its_round_across_a_restart()
    {
        var h = new Harness();
        var id = await PublishAsync(h, "ticking");
        var started = await h.Engine.StartAsync(id);
        Assert.That(started.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That((await h.Store.ListForInstanceAsync(started.Id)).Single().ActivityId, Is.EqualTo("wh/tick-body/dl"));

        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.That(await h.NewEngine("restart-1").FireAllDueTimersAsync(), Is.EqualTo(1));
        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.That(await h.NewEngine("restart-2").FireAllDueTimersAsync(), Is.EqualTo(1));

        var done = await h.Engine.GetAsync(started.Id);
        Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "tick 1", "tick 2", "done ticking" }));
    }

    private static JsonObject Flow(string id, JsonArray activities, JsonArray? inputs = null, bool usable = false) => new()
    {
        ["id"] = id + "-v1", ["definitionId"] = id, ["name"] = id, ["inputs"] = inputs ?? [], ["options"] = new JsonObject { ["usableAsActivity"] = usable },
        ["root"] = new JsonObject { ["id"] = id + "-root", ["type"] = "Elsa.Flowchart", ["activities"] = activities, ["connections"] = new JsonArray() },
    };

    private static JsonObject Lit(string value, string type = "String") => new() { ["typeName"] = type, ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value } };

    [Test]
    public async Task What_composites_hold_is_validated_naming_the_nested_activity()
    {
        var h = new Harness();
        var nested = Flow("nested-unknown", [new JsonObject
        {
            ["id"] = "seq", ["type"] = "Elsa.Sequence",
            ["activities"] = new JsonArray(new JsonObject { ["id"] = "w", ["type"] = "Elsa.WriteLine", ["text"] = Lit("hi") }, new JsonObject { ["id"] = "mystery", ["type"] = "Acme.Teleport" }),
        }]);
        await h.Definitions.SaveDraftAsync(WorkflowDefinition.FromJsonObject(nested));
        var refused = await h.Definitions.PublishAsync("nested-unknown");
        Assert.That(refused.Published, Is.False);
        Assert.That(refused.Validation.Issues.Single(i => i.Code == ValidationCodes.UnknownActivityType).ActivityId, Is.EqualTo("mystery"));

        var spinning = Flow("spinning", [new JsonObject
        {
            ["id"] = "forever", ["type"] = "Elsa.While", ["condition"] = Lit("true", "Boolean"),
            ["body"] = new JsonObject { ["id"] = "w", ["type"] = "Elsa.WriteLine", ["text"] = Lit("again") },
        }]);
        var result = h.Definitions.Validate(WorkflowDefinition.FromJsonObject(spinning), ValidationPurpose.Publish);
        Assert.That(result.Issues.Single(i => i.Code == ValidationCodes.LoopWithoutWait), Has.Property("ActivityId").EqualTo("forever").And.Property("Severity").EqualTo(ValidationSeverity.Warning));
    }

    [Test]
    public async Task A_value_a_childs_declared_input_type_cannot_hold_is_refused_at_publish()
    {
        var h = new Harness();
        await h.PublishAsync(Flow("typed-child", [new JsonObject { ["id"] = "w", ["type"] = "Elsa.WriteLine", ["text"] = Lit("child") }],
            [new JsonObject { ["name"] = "days", ["type"] = "Int32" }], usable: true));
        var parent = Flow("typed-parent", [new JsonObject { ["id"] = "c", ["type"] = "TypedChild", ["days"] = Lit("seven", "Int32") }]);
        await h.Definitions.SaveDraftAsync(WorkflowDefinition.FromJsonObject(parent));
        var refused = await h.Definitions.PublishAsync("typed-parent");
        Assert.That(refused.Published, Is.False);
        var issue = refused.Validation.Issues.Single(i => i.Code == ValidationCodes.InputTypeMismatch);
        Assert.That(issue.ActivityId, Is.EqualTo("c"));
        Assert.That(issue.Message, Does.Contain("days").And.Contain("Int32").And.Contain("seven"));

        parent["root"]!["activities"]![0]!["days"] = Lit("7", "Int32");
        await h.PublishAsync(parent);
        Assert.That((await h.Engine.StartAsync("typed-parent")).Status, Is.EqualTo(WorkflowStatus.Finished));
    }

    [TestCase(5, "small")]
    [TestCase(50, "medium")]
    [TestCase(500, "large")]
    public async Task A_Switch_runs_its_first_matching_case_and_forks_wait_for_any_or_all_of_their_branches(int amount, string size)
    {
        var h = new Harness();
        var id = await PublishAsync(h, "switch-and-fork");
        var started = await h.Engine.StartAsync(id, input: new Dictionary<string, object?> { ["amount"] = amount });
        Assert.That(started.Status, Is.EqualTo(WorkflowStatus.Suspended), () => started.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { size, "quick", "quicker", "right away" }),
            "the WaitAny fork went on after its quick branch; the WaitAll fork waits for its delay");
        Assert.That((await h.Store.ListForInstanceAsync(started.Id)).Select(b => b.ActivityId), Is.EqualTo(new[] { "all/nap" }),
            "the WaitAny fork's event wait was cancelled with it");

        await h.AdvanceAsync(TimeSpan.FromMinutes(30));
        var done = await h.Engine.GetAsync(started.Id);
        Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
        Assert.That(h.Sink.Lines.Last(), Is.EqualTo("after both forks"));
    }
}
