using CaseFlow.Workflows.Model;
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
    }
}
