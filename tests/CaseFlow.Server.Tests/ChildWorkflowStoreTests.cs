using CaseFlow.Server.Hosting;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Server.Tests;

/// <summary>
/// Workflows that run other workflows, on the real stores (a SQLite file through the writer, or PostgreSQL): a child
/// used as an activity waits on a timer inside the parent's instance, an ExecuteWorkflow child is an instance of its
/// own; both survive a restart, and a child ending while two engines sweep the same database resumes its parent once.
/// The definitions are the Workflows tests' own fixtures.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class ChildWorkflowStoreTests(DatabaseProvider provider)
{
    private static WorkflowDefinition Fixture(string name) =>
        WorkflowDefinition.Parse(File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "tests", "CaseFlow.Workflows.Tests", "Fixtures", "composites", name + ".json")));

    [Test]
    public async Task A_timer_inside_a_workflow_used_as_an_activity_fires_after_a_restart_and_the_parent_goes_on()
    {
        await using var first = await WorkflowStoreHarness.CreateAsync(provider);
        await first.PublishAsync(Fixture("wait-child"));
        await first.PublishAsync(Fixture("wait-parent"));
        var started = await first.Engine.StartAsync("wait-parent", "case-1");
        Assert.That(started.Status, Is.EqualTo(WorkflowStatus.Suspended));

        await using var reopened = await WorkflowStoreHarness.CreateAsync(provider, reopen: first);
        reopened.Time.Advance(TimeSpan.FromHours(2));
        Assert.That(await reopened.Engine.FireAllDueTimersAsync(), Is.EqualTo(1));
        var done = await reopened.Engine.GetAsync(started.Id);
        Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
        Assert.That(reopened.Sink.Lines.Select(l => l.Text), Is.EqualTo(new[] { "child woke", "parent resumed with rested" }));
    }

    [Test]
    public async Task An_executed_child_ending_while_two_engines_sweep_resumes_each_parent_once()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        await h.PublishAsync(Fixture("inspection"));
        await h.PublishAsync(Fixture("inspection-parent"));
        var parents = new List<WorkflowInstance>();
        for (var i = 0; i < 12; i++)
            parents.Add(await h.Engine.StartAsync("inspection-parent", $"case-{i}"));
        Assert.That(await h.Store.ListAsync(new InstanceQuery(DefinitionId: "inspection")), Has.Count.EqualTo(12), "one child instance each");

        // The children's day-long timers and the parents' check-ups fall due together; two servers sweep at once.
        h.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var a = h.NewEngine("server-a");
        var b = h.NewEngine("server-b");
        for (var round = 0; round < 3; round++)
            await Task.WhenAll(a.FireAllDueTimersAsync(), b.FireAllDueTimersAsync());

        foreach (var p in parents)
        {
            var done = await h.Engine.GetAsync(p.Id);
            Assert.That(done!.Status, Is.EqualTo(WorkflowStatus.Finished), () => done.FaultMessage ?? "");
            var journal = await h.Store.GetJournalAsync(p.Id);
            Assert.That(journal.Count(j => j.Kind == JournalKind.Completed && j.ActivityId == "x"), Is.EqualTo(1), "the parent resumed once");
        }
        Assert.That(h.Sink.Lines.Count(l => l.Text.StartsWith("parent read Haldwani", StringComparison.Ordinal)), Is.EqualTo(12));
        Assert.That(await h.Store.ListForInstanceAsync(parents[0].Id), Is.Empty);
    }
}
