using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

public class DurabilityTests
{
    private static async Task<string> PublishDelayFlowAsync(Harness h, string delay = "01:00:00") =>
        await h.PublishAsync(Definition("delay",
            [Start(), Delay("Wait", delay), WriteLineJs("Done", "'done ' + getCorrelationId()")],
            [Connect("Start1", "Wait"), Connect("Wait", "Done")]));

    [Test]
    public async Task Two_engines_over_one_store_fire_each_due_timer_once()
    {
        var h = new Harness();
        var id = await PublishDelayFlowAsync(h);
        for (var i = 0; i < 200; i++)
            await h.Engine.StartAsync(id, $"case-{i}");
        h.Time.Advance(TimeSpan.FromHours(1));

        var a = h.NewEngine("a");
        var b = h.NewEngine("b");
        var fired = await Task.WhenAll(
            Task.Run(() => a.FireDueTimersAsync(max: 30)), Task.Run(() => b.FireDueTimersAsync(max: 30)),
            Task.Run(() => a.FireDueTimersAsync(max: 30)), Task.Run(() => b.FireDueTimersAsync(max: 30)));
        var rest = await Task.WhenAll(Task.Run(() => a.FireAllDueTimersAsync(25)), Task.Run(() => b.FireAllDueTimersAsync(25)));

        Assert.That(fired.Sum() + rest.Sum(), Is.EqualTo(200));
        Assert.That(h.Sink.Lines, Has.Count.EqualTo(200));
        Assert.That(h.Sink.Lines.Distinct().Count(), Is.EqualTo(200), "no instance resumed twice");
        Assert.That(h.Store.BookmarkCount, Is.EqualTo(0));
    }

    [Test]
    public async Task The_same_event_published_by_two_engines_at_once_resumes_each_instance_once()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("ev",
            [Start(), Event("Wait", "go"), WriteLineJs("Done", "getCorrelationId()")],
            [Connect("Start1", "Wait"), Connect("Wait", "Done")]));
        for (var i = 0; i < 50; i++)
            await h.Engine.StartAsync(id, $"c{i}");
        var a = h.NewEngine("a");
        var b = h.NewEngine("b");
        await Task.WhenAll(Enumerable.Range(0, 50).SelectMany(i => new[]
        {
            Task.Run(() => a.PublishEventAsync("go", $"c{i}")),
            Task.Run(() => b.PublishEventAsync("go", $"c{i}")),
        }));
        // The losing publish of each pair found the bookmark gone or lost its commit (and its step was
        // discarded, lines included); it may have left a stimulus behind, which nothing waits for.
        Assert.That(h.Sink.Lines, Has.Count.EqualTo(50));
        Assert.That(h.Sink.Lines.Distinct().Count(), Is.EqualTo(50));
        foreach (var record in await h.Store.ListAsync(new InstanceQuery(id, Take: 100)))
        {
            Assert.That(record.Status, Is.EqualTo(WorkflowStatus.Finished));
            var resumes = (await h.Store.GetJournalAsync(record.Id)).Count(j => j.Kind == JournalKind.Resumed);
            Assert.That(resumes, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task A_timer_claimed_by_a_crashed_engine_fires_elsewhere_after_its_lease()
    {
        var h = new Harness();
        var id = await PublishDelayFlowAsync(h);
        await h.Engine.StartAsync(id, "crash");
        h.Time.Advance(TimeSpan.FromHours(1));

        var claimedByCrashed = await h.Store.ClaimDueTimersAsync(h.Time.GetUtcNow(), 10, "crashed", h.Time.GetUtcNow() + TimeSpan.FromMinutes(5));
        Assert.That(claimedByCrashed, Has.Count.EqualTo(1));

        var survivor = h.NewEngine("survivor");
        Assert.That(await survivor.FireDueTimersAsync(), Is.EqualTo(0), "still leased");
        h.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.That(await survivor.FireDueTimersAsync(), Is.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "done crash" }));
        Assert.That(await survivor.FireDueTimersAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task A_restarted_engine_fires_timers_that_fell_due_while_it_was_down_once()
    {
        var h = new Harness();
        var id = await PublishDelayFlowAsync(h);
        await h.Engine.StartAsync(id, "r1");
        await h.Engine.StartAsync(id, "r2");
        h.Time.Advance(TimeSpan.FromDays(2));

        var restarted = h.NewEngine("restarted");
        Assert.That(await restarted.FireAllDueTimersAsync(), Is.EqualTo(2));
        Assert.That(await restarted.FireAllDueTimersAsync(), Is.EqualTo(0));
        Assert.That(h.Sink.Lines, Is.EquivalentTo(new[] { "done r1", "done r2" }));
    }

    [Test]
    public async Task A_stale_instance_commit_is_rejected_and_its_effects_discarded()
    {
        var h = new Harness();
        var id = await PublishDelayFlowAsync(h);
        var instance = await h.Engine.StartAsync(id, "stale");
        var record = (await h.Store.GetAsync(instance.Id))!;
        var timer = (await h.Store.ListForInstanceAsync(instance.Id)).Single();

        Bookmark NewTimer() => timer with { Id = Guid.NewGuid().ToString("N"), DueAt = h.Time.GetUtcNow().AddDays(9) };
        WorkflowCommit CommitFrom(long expected, Bookmark added) => new(
            record with { Version = expected + 1, Name = "changed" }, expected, [added], [], [], [], [], []);

        var first = await h.Store.CommitAsync(CommitFrom(record.Version, NewTimer()));
        Assert.That(first.Committed, Is.True);

        var staleTimer = NewTimer();
        var stale = await h.Store.CommitAsync(CommitFrom(record.Version, staleTimer));
        Assert.That(stale.Committed, Is.False);
        Assert.That(stale.ConflictReason, Does.Contain("version"));
        Assert.That((await h.Store.ListForInstanceAsync(instance.Id)).Select(b => b.Id), Does.Not.Contain(staleTimer.Id));
        Assert.That((await h.Store.GetAsync(instance.Id))!.Version, Is.EqualTo(record.Version + 1));

        var duplicateInsert = await h.Store.CommitAsync(new WorkflowCommit(record, 0, [], [], [], [], [], []));
        Assert.That(duplicateInsert.Committed, Is.False, "an insert over an existing instance is stale too");

        var consumedTwice = await h.Store.CommitAsync(new WorkflowCommit(
            record with { Version = record.Version + 2 }, record.Version + 1, [], ["no-such-bookmark"], [], [], [], []));
        Assert.That(consumedTwice.Committed, Is.False, "removing a bookmark someone else consumed is a conflict");
    }

    [Test]
    public async Task A_batch_commit_applies_each_commit_on_its_own()
    {
        var h = new Harness();
        var id = await PublishDelayFlowAsync(h);
        var a = (await h.Store.GetAsync((await h.Engine.StartAsync(id, "a")).Id))!;
        var b = (await h.Store.GetAsync((await h.Engine.StartAsync(id, "b")).Id))!;
        var c = (await h.Store.GetAsync((await h.Engine.StartAsync(id, "c")).Id))!;
        WorkflowCommit Rename(InstanceRecord r, long expected) => new(r with { Name = "renamed", Version = expected + 1 }, expected, [], [], [], [], [], []);

        var results = await ((IWorkflowInstanceStore)h.Store).CommitBatchAsync([Rename(a, a.Version), Rename(b, b.Version + 7), Rename(c, c.Version)]);
        Assert.That(results.Select(r => r.Committed), Is.EqualTo(new[] { true, false, true }));
        var names = await ((IWorkflowInstanceStore)h.Store).GetManyAsync([a.Id, b.Id, c.Id, "missing"]);
        Assert.That(names.Values.Select(r => r.Name), Is.EqualTo(new string?[] { "renamed", null, "renamed" }));
        Assert.That(names.ContainsKey("missing"), Is.False);
    }

    [Test]
    public async Task Two_due_timers_of_one_instance_in_one_sweep_are_both_delivered_in_order()
    {
        var h = new Harness(r => r.Register<TestSlaTimer>(), s => s.Add<IWorkingCalendar>(new WeekdayCalendar()));
        var warnings = new List<SlaWarning>();
        h.Store.OnCommitted = commit => warnings.AddRange(commit.DomainEffects.OfType<SlaWarning>());
        var id = await h.PublishAsync(Definition("sla2",
            [Start(), Activity("Sla", "CaseFlow.SlaTimer", ("workingDays", "Int32", "Literal", "1")), WriteLine("Escalate", "escalate")],
            [Connect("Start1", "Sla"), Connect("Sla", "Escalate", "Breached")]));
        await h.Engine.StartAsync(id, "both");
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(30)), Is.EqualTo(2), "warning and breach were both overdue");
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "escalate" }));
    }

    [Test]
    public async Task A_throwing_activity_records_an_incident_faults_the_instance_and_retry_reruns_it()
    {
        var flaky = new FlakySwitch();
        var h = new Harness(r => r.Register<Flaky>(), s => s.Add(flaky));
        var id = await h.PublishAsync(Definition("flaky",
            [Start(), WriteLine("Before", "before"), Activity("Notify", "CaseFlow.Flaky"), WriteLine("After", "after")],
            [Connect("Start1", "Before"), Connect("Before", "Notify"), Connect("Notify", "After")]));

        var instance = await h.Engine.StartAsync(id, "case-f");
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Faulted));
        Assert.That(instance.FaultedActivityId, Is.EqualTo("Notify"));
        var incident = (await h.Store.GetIncidentsAsync(instance.Id)).Single();
        Assert.That(incident.ActivityId, Is.EqualTo("Notify"));
        Assert.That(incident.ActivityType, Is.EqualTo("CaseFlow.Flaky"));
        Assert.That(incident.Message, Is.EqualTo("the notification gateway is down"));
        Assert.That(incident.StackTrace, Does.Contain(nameof(Flaky)));
        var journal = await h.Store.GetJournalAsync(instance.Id);
        Assert.That(journal.Select(j => (j.Kind, j.ActivityId)), Does.Contain((JournalKind.Faulted, (string?)"Notify")));

        Assert.That(async () => await h.Engine.RetryAsync(instance.Id), Throws.Nothing);
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Faulted), "still broken: faults again");
        Assert.That(await h.Store.GetIncidentsAsync(instance.Id), Has.Count.EqualTo(2));

        flaky.Broken = false;
        var retried = await h.Engine.RetryAsync(instance.Id);
        Assert.That(retried.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "before", "after" }), "retry re-runs the faulted activity, not the ones before it");
        Assert.That(async () => await h.Engine.RetryAsync(instance.Id), Throws.InvalidOperationException);
    }

    [Test]
    public async Task Retrying_a_fault_raised_while_resuming_resumes_again_instead_of_restarting_the_wait()
    {
        var flaky = new FlakySwitch();
        var h = new Harness(r => r.Register<FlakyBreach>(), s => s.Add(flaky));
        var id = await h.PublishAsync(Definition("flaky-breach",
            [Start(), Activity("Sla", "CaseFlow.FlakyBreach"), WriteLine("Escalate", "escalated")],
            [Connect("Start1", "Sla"), Connect("Sla", "Escalate", "Breached")]));
        var instance = await h.Engine.StartAsync(id);
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(2)), Is.EqualTo(1));
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Faulted));
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty, "the timer was consumed by the faulted step");

        flaky.Broken = false;
        h.Time.Advance(TimeSpan.FromHours(3));
        var retried = await h.Engine.RetryAsync(instance.Id);
        Assert.That(retried.Status, Is.EqualTo(WorkflowStatus.Finished), "resumed with the breach, not re-armed for two more days");
        Assert.That(retried.Variables["Armed"]!.GetValue<string>(), Is.EqualTo(Harness.Epoch.ToString("O")));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "escalated" }));
    }

    [Test]
    public async Task A_timer_six_months_out_fires_on_time()
    {
        var h = new Harness();
        var id = await PublishDelayFlowAsync(h, "182.00:00:00");
        var instance = await h.Engine.StartAsync(id, "half-year");
        Assert.That((await h.Store.ListForInstanceAsync(instance.Id)).Single().DueAt, Is.EqualTo(Harness.Epoch.AddDays(182)));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(181)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(1)), Is.EqualTo(1));
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
    }

    [Test]
    public async Task A_domain_activity_computes_its_due_time_from_a_service_and_is_resumed_by_its_timers()
    {
        var warnings = new List<SlaWarning>();
        var h = new Harness(r => r.Register<TestSlaTimer>(), s => s.Add<IWorkingCalendar>(new WeekdayCalendar()));
        h.Store.OnCommitted = commit => warnings.AddRange(commit.DomainEffects.OfType<SlaWarning>());
        var sla = Activity("Sla", "CaseFlow.SlaTimer", ("workingDays", "Int32", "Literal", "5"));
        var id = await h.PublishAsync(Definition("sla",
            [Start(), sla, WriteLine("Escalate", "escalate to L2")],
            [Connect("Start1", "Sla"), Connect("Sla", "Escalate", "Breached")]));

        // Monday 09:30 + 5 working days = next Monday 09:30 (the weekend does not count).
        var instance = await h.Engine.StartAsync(id, "case-sla");
        var due = Harness.Epoch.AddDays(7);
        Assert.That(instance.Variables["DueAt"]!.GetValue<string>(), Is.EqualTo(due.ToString("O")));
        var timers = await h.Store.ListForInstanceAsync(instance.Id);
        Assert.That(timers.Select(t => t.Tag), Is.EquivalentTo(new[] { "warning", "breach" }));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(5.25) - TimeSpan.FromSeconds(1)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(1)), Is.EqualTo(1), "the warning at 75 % of 7 calendar days");
        Assert.That(warnings.Select(w => w.CorrelationId), Is.EqualTo(new[] { "case-sla" }), "the effect went out in the warning step's commit");
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That(h.Sink.Lines, Is.Empty);

        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(1.75)), Is.EqualTo(1), "the breach");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "escalate to L2" }));
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
    }

    [Test]
    public async Task Journal_records_each_activity_with_times()
    {
        var h = new Harness();
        var id = await PublishDelayFlowAsync(h);
        var instance = await h.Engine.StartAsync(id, "j");
        await h.AdvanceAsync(TimeSpan.FromHours(1));
        var journal = await h.Store.GetJournalAsync(instance.Id);
        var wait = journal.Where(j => j.ActivityId == "Wait").Select(j => (j.Kind, j.At)).ToList();
        Assert.That(wait, Is.EqualTo(new[]
        {
            (JournalKind.Started, Harness.Epoch),
            (JournalKind.Suspended, Harness.Epoch),
            (JournalKind.Resumed, Harness.Epoch.AddHours(1)),
            (JournalKind.Completed, Harness.Epoch.AddHours(1)),
        }));
        Assert.That(journal.Select(j => j.Sequence), Is.Ordered.And.Unique);
        Assert.That(journal.Last().Kind, Is.EqualTo(JournalKind.WorkflowFinished));
    }

    [Test]
    public async Task A_timer_step_that_lost_its_race_is_redone_before_the_same_instances_later_timer()
    {
        // Two waits of one instance fall due in one sweep; the earlier one's step loses its commit (a hand edit
        // moved the instance on). Redone, it must still run before the later one, as a warning before its breach.
        var h = new Harness();
        var id = await h.PublishAsync(Definition("two-waits",
            [Start(), Delay("Early", "01:00:00"), Delay("Late", "02:00:00"), WriteLine("SayEarly", "early"), WriteLine("SayLate", "late")],
            [Connect("Start1", "Early"), Connect("Start1", "Late"), Connect("Early", "SayEarly"), Connect("Late", "SayLate")]));
        await h.Engine.StartAsync(id, "raced");
        h.Time.Advance(TimeSpan.FromHours(3));

        var engine = new WorkflowEngine(h.Registry, h.Definitions, new LosesFirstBatchStep(h.Store), h.Store, h.Store, h.Time, h.Services,
            new WorkflowEngineOptions { EngineId = "sweeper" });
        Assert.That(await engine.FireDueTimersAsync(), Is.EqualTo(2));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "early", "late" }));
    }

    /// <summary>Refuses the first step of the first batch commit, as a concurrent writer would; the rest is the store's.</summary>
    private sealed class LosesFirstBatchStep(InMemoryWorkflowStore store) : IWorkflowInstanceStore
    {
        private bool _lost;

        public async ValueTask<IReadOnlyList<CommitResult>> CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default)
        {
            var results = new List<CommitResult>(commits.Count);
            foreach (var commit in commits)
            {
                if (!_lost)
                {
                    _lost = true;
                    results.Add(CommitResult.Conflict("a concurrent step moved the instance on"));
                    continue;
                }
                results.Add(await store.CommitAsync(commit, cancellationToken));
            }
            return results;
        }

        public ValueTask<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken = default) => store.GetAsync(instanceId, cancellationToken);
        public ValueTask<CommitResult> CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default) => store.CommitAsync(commit, cancellationToken);
        public ValueTask<IReadOnlyList<InstanceRecord>> ListAsync(InstanceQuery query, CancellationToken cancellationToken = default) => store.ListAsync(query, cancellationToken);

        public ValueTask<int> CountActiveAsync(string definitionId, CancellationToken cancellationToken = default) => store.CountActiveAsync(definitionId, cancellationToken);
        public ValueTask<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default) => store.GetJournalAsync(instanceId, cancellationToken);
        public ValueTask<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken = default) => store.GetIncidentsAsync(instanceId, cancellationToken);
    }
}
