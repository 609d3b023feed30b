using CaseFlow.Server.Hosting;
using System.Diagnostics;
using CaseFlow.Server.Persistence.Workflows;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.Data.Sqlite;
using static CaseFlow.Server.Tests.WorkflowJson;

namespace CaseFlow.Server.Tests;

/// <summary>The EF workflow stores on a real database (SQLite file and PostgreSQL), driven by the real engine.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public class WorkflowStoreTests(DatabaseProvider provider)
{
    private static readonly System.Text.Json.Nodes.JsonObject Approval =
        Definition("approval", [Start(), Event("Wait", "approved"), End()], ("Start1", "Wait"), ("Wait", "End1"));

    private static System.Text.Json.Nodes.JsonObject Tick(string id = "tick") =>
        Definition(id, [Start(), Delay("Wait", "00:01:00"), WriteLine("Done", "done"), End()], ("Start1", "Wait"), ("Wait", "Done"), ("Done", "End1"));

    [Test]
    public async Task WorkflowStore_workflow3_suspends_on_its_delays_and_finishes_when_they_fire()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var instance = await h.Engine.StartAsync(await h.PublishSampleAsync("workflow3.json"));

        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That(instance.PendingActivityIds, Is.EquivalentTo(new[] { "Delay1", "Delay2" }));
        var timers = await h.Store.ListForInstanceAsync(instance.Id);
        Assert.That(timers.Select(t => t.Kind), Is.EqualTo(new[] { BookmarkKind.Timer, BookmarkKind.Timer }));
        Assert.That(timers.Select(t => t.DueAt).Order(), Is.EqualTo(new DateTimeOffset?[] { WorkflowStoreHarness.Epoch.AddSeconds(5), WorkflowStoreHarness.Epoch.AddSeconds(10) }));
        Assert.That(await h.Store.NextDueAtAsync(), Is.EqualTo(WorkflowStoreHarness.Epoch.AddSeconds(5)));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(4)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(1)), Is.EqualTo(1), "the 5 s delay fires at 5 s");
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(1), "the 10 s delay fires at 10 s");

        var finished = (await h.Engine.GetAsync(instance.Id))!;
        Assert.That(finished.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(finished.Version, Is.EqualTo(3), "start and two resumptions");
        Assert.That(h.Sink.LinesOf(instance.Id), Is.EquivalentTo(Enumerable.Range(1, 9).Select(i => $"WriteLine{i}")), "each line exactly once");
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty);
        Assert.That(await h.Store.NextDueAtAsync(), Is.Null);
        var journal = await h.Store.GetJournalAsync(instance.Id);
        Assert.That(journal.Select(j => j.Sequence), Is.Ordered.Ascending.And.Unique);
        Assert.That(journal.Count(j => j.Kind == JournalKind.Resumed), Is.EqualTo(2));
        Assert.That(journal[^1].Kind, Is.EqualTo(JournalKind.WorkflowFinished));
    }

    [Test]
    public async Task WorkflowStore_event_waits_are_found_by_name_and_correlation_and_an_early_event_waits_as_a_stimulus()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var definitionId = await h.PublishAsync(Approval);

        var waiting = await h.Engine.StartAsync(definitionId, "case-1");
        Assert.That(waiting.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That((await h.Store.FindEventBookmarksAsync("approved", "case-1")).Select(b => b.InstanceId), Is.EqualTo(new[] { waiting.Id }));
        Assert.That(await h.Store.FindEventBookmarksAsync("approved", "case-2"), Is.Empty);
        Assert.That(await h.Store.FindEventBookmarksAsync("approved", null), Is.Empty);

        var early = await h.Engine.PublishEventAsync("approved", "case-2", new { by = "HoD" });
        Assert.That(early.StoredAsPending, Is.True);
        var stored = await h.Store.FindAsync("approved", "case-2");
        Assert.That(stored, Has.Count.EqualTo(1));
        Assert.That(stored[0].PayloadJson, Does.Contain("HoD"));

        var late = await h.Engine.StartAsync(definitionId, "case-2");
        Assert.That(late.Status, Is.EqualTo(WorkflowStatus.Finished), "the stored event is delivered within the starting step");
        Assert.That(await h.Store.FindAsync("approved", "case-2"), Is.Empty, "and consumed by the same commit");

        var delivery = await h.Engine.PublishEventAsync("approved", "case-1");
        Assert.That(delivery.ResumedInstanceIds, Is.EqualTo(new[] { waiting.Id }));
        Assert.That((await h.Engine.GetAsync(waiting.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(await h.Store.FindEventBookmarksAsync("approved", "case-1"), Is.Empty);

        var finished = await h.Store.ListAsync(new InstanceQuery(definitionId, WorkflowStatus.Finished));
        Assert.That(finished.Select(i => i.Id), Is.EquivalentTo(new[] { waiting.Id, late.Id }));
        Assert.That((await h.Store.ListAsync(new InstanceQuery(CorrelationId: "case-2"))).Select(i => i.Id), Is.EqualTo(new[] { late.Id }));
        Assert.That(await h.Store.ListAsync(new InstanceQuery(Status: WorkflowStatus.Suspended)), Is.Empty);
        Assert.That(await h.Store.ListAsync(new InstanceQuery(definitionId, Skip: 1, Take: 5)), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task WorkflowStore_expired_stimuli_are_purged()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        await h.Store.AddAsync(new Stimulus("s-old", "ping", "c", null, WorkflowStoreHarness.Epoch, WorkflowStoreHarness.Epoch.AddMinutes(1)));
        await h.Store.AddAsync(new Stimulus("s-kept", "ping", "c", null, WorkflowStoreHarness.Epoch.AddSeconds(1)));
        await h.Store.AddAsync(new Stimulus("s-new", "ping", "c", null, WorkflowStoreHarness.Epoch.AddSeconds(2), WorkflowStoreHarness.Epoch.AddHours(1)));

        Assert.That((await h.Store.FindAsync("ping", "c")).Select(s => s.Id), Is.EqualTo(new[] { "s-old", "s-kept", "s-new" }), "oldest first");
        Assert.That(await h.Store.DeleteExpiredAsync(WorkflowStoreHarness.Epoch.AddMinutes(1)), Is.EqualTo(1));
        Assert.That((await h.Store.FindAsync("ping", "c")).Select(s => s.Id), Is.EqualTo(new[] { "s-kept", "s-new" }));
    }

    [Test]
    public async Task WorkflowStore_a_stale_commit_is_rejected_on_the_expected_version()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var instance = await h.Engine.StartAsync(await h.PublishAsync(Approval), "case-9");
        var row = (await h.Store.GetAsync(instance.Id))!;
        Assert.That(row.Version, Is.EqualTo(1));

        var again = await h.Store.CommitAsync(Commit(row with { Version = 1 }, expectedVersion: 0));
        Assert.That(again.Committed, Is.False);
        Assert.That(again.ConflictReason, Does.Contain("already exists"));

        var stale = await h.Store.CommitAsync(Commit(row with { Status = WorkflowStatus.Cancelled, Version = 8 }, expectedVersion: 7));
        Assert.That(stale.Committed, Is.False);
        Assert.That(stale.ConflictReason, Does.Contain("version 1").And.Contain("expected 7"));
        Assert.That(await h.Store.GetAsync(instance.Id), Is.EqualTo(row), "the row is untouched");

        var delivery = await h.Engine.PublishEventAsync("approved", "case-9");
        Assert.That(delivery.ResumedInstanceIds, Is.EqualTo(new[] { instance.Id }), "the engine's own next step still commits");
        Assert.That((await h.Store.GetAsync(instance.Id))!.Version, Is.EqualTo(2));
    }

    [Test]
    public async Task WorkflowStore_a_commit_removing_an_already_removed_bookmark_is_rejected_with_nothing_applied()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var now = WorkflowStoreHarness.Epoch;
        var v1 = new InstanceRecord("i-1", "def", 1, "c-1", "n", WorkflowStatus.Suspended, "{}", 1, now, now);
        var wait = EventBookmark("b-wait", "i-1");
        Assert.That((await h.Store.CommitAsync(Commit(v1, 0, added: [wait], journal: [Entry("i-1", 1)]))).Committed, Is.True);
        await h.Store.AddAsync(new Stimulus("s-1", "other", "c-1", null, now));

        var v2 = v1 with { Version = 2, State = "{\"step\":2}", UpdatedAt = now.AddMinutes(1) };
        Assert.That((await h.Store.CommitAsync(Commit(v2, 1, removed: ["b-wait"], journal: [Entry("i-1", 2)]))).Committed, Is.True);

        // A second engine that loaded version 2 too, resuming the wait the first one already consumed.
        var v3 = v2 with { Version = 3, Status = WorkflowStatus.Finished, UpdatedAt = now.AddMinutes(2) };
        var incident = new Incident("inc-1", "i-1", "Wait", "Elsa.Event", null, "System.Exception", "boom", null, now);
        var late = await h.Store.CommitAsync(Commit(v3, 2, added: [EventBookmark("b-next", "i-1")], removed: ["b-wait"],
            journal: [Entry("i-1", 3)], incidents: [incident], consumed: ["s-1"]));
        Assert.That(late.Committed, Is.False);
        Assert.That(late.ConflictReason, Does.Contain("b-wait"));

        Assert.That(await h.Store.GetAsync("i-1"), Is.EqualTo(v2), "the version-guarded update was rolled back");
        Assert.That(await h.Store.ListForInstanceAsync("i-1"), Is.Empty, "the added bookmark is absent");
        Assert.That((await h.Store.GetJournalAsync("i-1")).Select(j => j.Sequence), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(await h.Store.GetIncidentsAsync("i-1"), Is.Empty);
        Assert.That((await h.Store.FindAsync("other", "c-1")).Select(s => s.Id), Is.EqualTo(new[] { "s-1" }), "the stimulus delete was rolled back");

        var gone = await h.Store.CommitAsync(Commit(v3, 2, consumed: ["s-1", "s-missing"], incidents: [incident]));
        Assert.That(gone.Committed, Is.False, "a consumed stimulus that no longer exists rejects the commit too");
        Assert.That(await h.Store.FindAsync("other", "c-1"), Has.Count.EqualTo(1));

        Assert.That((await h.Store.CommitAsync(Commit(v3, 2, consumed: ["s-1"], incidents: [incident], journal: [Entry("i-1", 3)]))).Committed, Is.True);
        Assert.That(await h.Store.GetIncidentsAsync("i-1"), Is.EqualTo(new[] { incident }));
        Assert.That((await h.Store.GetAsync("i-1"))!.Status, Is.EqualTo(WorkflowStatus.Finished));
    }

    [Test]
    public async Task WorkflowStore_a_batch_commits_each_step_on_its_own()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var now = WorkflowStoreHarness.Epoch;
        var a = new InstanceRecord("i-a", "def", 1, null, null, WorkflowStatus.Suspended, "{}", 1, now, now);
        var b = a with { Id = "i-b" };
        await h.Store.CommitAsync(Commit(b, 0));

        var results = await h.Store.CommitBatchAsync([
            Commit(a, 0, added: [EventBookmark("b-a", "i-a")], journal: [Entry("i-a", 1)]),
            Commit(b with { Version = 1 }, 0, added: [EventBookmark("b-b", "i-b")], journal: [Entry("i-b", 1)]),
            Commit(a with { Version = 2 }, 1, removed: ["b-a"], journal: [Entry("i-a", 2)]),
        ]);

        Assert.That(results.Select(r => r.Committed), Is.EqualTo(new[] { true, false, true }));
        Assert.That((await h.Store.GetAsync("i-a"))!.Version, Is.EqualTo(2));
        Assert.That(await h.Store.ListForInstanceAsync("i-b"), Is.Empty, "the rejected step left nothing behind");
        Assert.That(await h.Store.GetJournalAsync("i-b"), Is.Empty);
        Assert.That((await h.Store.GetManyAsync(["i-a", "i-b", "i-none"])).Keys, Is.EquivalentTo(new[] { "i-a", "i-b" }));
    }

    [Test]
    public async Task WorkflowStore_two_engines_firing_the_same_due_timers_resume_each_instance_once()
    {
        await AssertTwoEnginesResumeEachInstanceOnceAsync(lease: null);
    }

    [Test]
    public async Task WorkflowStore_two_engines_that_both_claim_every_timer_still_resume_each_instance_once()
    {
        // A lease that has already passed when taken lets both engines claim the same rows, so the commit
        // checks alone must keep each resumption single.
        await AssertTwoEnginesResumeEachInstanceOnceAsync(lease: TimeSpan.FromSeconds(-1));
    }

    private async Task AssertTwoEnginesResumeEachInstanceOnceAsync(TimeSpan? lease)
    {
        const int count = 80;
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var definitionId = await h.PublishAsync(Tick());
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
            ids.Add((await h.Engine.StartAsync(definitionId, $"c-{i}")).Id);
        h.Time.Advance(TimeSpan.FromMinutes(1));

        using var barrier = new Barrier(2);
        var stores = new[] { new RendezvousInstanceStore(h.Store, barrier), new RendezvousInstanceStore(h.Store, barrier) };
        var engines = new[] { h.NewEngine("engine-a", lease, stores[0]), h.NewEngine("engine-b", lease, stores[1]) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var fired = await Task.WhenAll(engines.Select(e => Task.Run(async () =>
        {
            var total = 0;
            while (DateTime.UtcNow < deadline && await h.Store.NextDueAtAsync() is { } next && next <= h.Time.GetUtcNow())
                total += await e.FireDueTimersAsync(max: 7);
            return total;
        })));
        TestContext.Out.WriteLine($"lease {lease?.ToString() ?? "default"}: engine-a fired {fired[0]}, engine-b fired {fired[1]}; " +
                                  $"batches committed side by side {stores[0].Met}/{stores[1].Met}, steps rejected {stores[0].Rejected}/{stores[1].Rejected}");
        Assert.That(stores.Select(s => s.Met), Has.All.GreaterThan(0), "the engines' batches did meet at the database");
        if (lease < TimeSpan.Zero)
            Assert.That(stores.Sum(s => s.Rejected), Is.GreaterThan(0), "both engines held the same timers, so the store had to refuse the losers");
        else
            Assert.That(fired, Has.All.GreaterThan(0), "disjoint claims: both engines did part of the work");

        Assert.That(fired.Sum(), Is.EqualTo(count), "every timer fired, each counted by exactly one engine");
        Assert.That(await h.Store.NextDueAtAsync(), Is.Null);
        var lines = h.Sink.Lines;
        Assert.That(lines, Has.Count.EqualTo(count), "one after-commit line per instance");
        Assert.That(lines.Select(l => l.InstanceId), Is.EquivalentTo(ids));
        foreach (var id in ids)
        {
            var journal = await h.Store.GetJournalAsync(id);
            Assert.That(journal.Count(j => j.Kind == JournalKind.Resumed && j.ActivityId == "Wait"), Is.EqualTo(1), id);
            Assert.That(journal.Count(j => j.Kind == JournalKind.WorkflowFinished), Is.EqualTo(1), id);
        }
        Assert.That((await h.Store.ListAsync(new InstanceQuery(definitionId, WorkflowStatus.Finished, Take: 1000))).Select(i => i.Id), Is.EquivalentTo(ids));
        Assert.That((await h.Store.ListAsync(new InstanceQuery(definitionId, Take: 1000))).Select(i => i.Version), Has.All.EqualTo(2));
    }

    [Test]
    public async Task WorkflowStore_a_claimed_timer_whose_lease_expired_is_claimable_by_another_engine()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var instance = await h.Engine.StartAsync(await h.PublishAsync(Tick()));
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var now = h.Time.GetUtcNow();

        // An engine claims the timer and dies before committing.
        var claimed = await h.Store.ClaimDueTimersAsync(now, 10, "crashed", now.AddSeconds(30));
        Assert.That(claimed.Select(b => b.InstanceId), Is.EqualTo(new[] { instance.Id }));
        Assert.That(await h.Store.ClaimDueTimersAsync(now, 10, "other", now.AddSeconds(30)), Is.Empty, "a live claim is not taken twice");

        var survivor = h.NewEngine("survivor");
        Assert.That(await survivor.FireDueTimersAsync(), Is.EqualTo(0), "the lease still holds");
        h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(await survivor.FireDueTimersAsync(), Is.EqualTo(0), "a lease ending exactly now still holds");
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await survivor.FireDueTimersAsync(), Is.EqualTo(1), "past the lease another engine fires it");

        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.LinesOf(instance.Id), Is.EqualTo(new[] { "done" }));
    }

    [Test]
    public async Task WorkflowStore_claims_take_the_earliest_due_first_and_at_most_max()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var now = WorkflowStoreHarness.Epoch;
        var timers = Enumerable.Range(0, 5)
            .Select(i => new Bookmark($"t-{i}", BookmarkKind.Timer, "i-t", "def", 1, "Wait", null, null, now.AddSeconds(10 - i), null, now))
            .Append(EventBookmark("e-1", "i-t"))
            .ToList();
        await h.Store.CommitAsync(Commit(new InstanceRecord("i-t", "def", 1, null, null, WorkflowStatus.Suspended, "{}", 1, now, now), 0, added: timers));

        Assert.That(await h.Store.ClaimDueTimersAsync(now.AddSeconds(5), 10, "a", now.AddMinutes(1)), Is.Empty, "nothing due yet");
        var first = await h.Store.ClaimDueTimersAsync(now.AddSeconds(9), 2, "a", now.AddMinutes(1));
        Assert.That(first.Select(b => b.Id), Is.EqualTo(new[] { "t-4", "t-3" }));
        var rest = await h.Store.ClaimDueTimersAsync(now.AddSeconds(20), 10, "b", now.AddMinutes(1));
        Assert.That(rest.Select(b => b.Id), Is.EqualTo(new[] { "t-2", "t-1", "t-0" }), "rows another engine holds are skipped, event waits are never timers");
        Assert.That(rest[0].DueAt, Is.EqualTo(now.AddSeconds(8)));
    }

    [Test]
    public async Task WorkflowStore_definition_versions_publish_and_retract_and_survive_reopening()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var definitionId = await h.PublishAsync(Approval);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Definitions.SaveDraftAsync(CaseFlow.Workflows.Model.WorkflowDefinition.FromJsonObject(Approval));
        var versions = await h.Definitions.ListVersionsAsync(definitionId);
        Assert.That(versions.Select(v => (v.Version, v.IsLatest, v.IsPublished)), Is.EqualTo(new[] { (1, false, true), (2, true, false) }),
            "saving over a published version starts a new one");

        Assert.That((await h.Definitions.PublishAsync(definitionId)).Published, Is.True);
        Assert.That((await h.Definitions.GetPublishedAsync(definitionId))!.Version, Is.EqualTo(2));
        Assert.That(await h.Definitions.RetractAsync(definitionId), Is.True);
        Assert.That(await h.Definitions.GetPublishedAsync(definitionId), Is.Null);

        var timerId = await h.PublishSampleAsync("timer-workflow.json");
        Assert.That(await h.Store.ListTriggersAsync(timerId), Has.Count.EqualTo(1));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(1)), Is.EqualTo(1), "the trigger starts an instance");
        Assert.That(h.Sink.Lines.Select(l => l.Text), Is.EqualTo(new[] { "Hello from timer" }));
        Assert.That((await h.Store.ListTriggersAsync(timerId)).Single().DueAt, Is.EqualTo(h.Time.GetUtcNow().AddMinutes(1)), "and reschedules itself");

        // Every pooled connection of the first database closes, so what follows reads the file afresh.
        SqliteConnection.ClearAllPools();
        await using var reopened = await WorkflowStoreHarness.CreateAsync(provider, reopen: h);
        var stored = await reopened.Definitions.ListVersionsAsync(definitionId);
        Assert.That(stored.Select(v => (v.Version, v.IsLatest, v.IsPublished)), Is.EqualTo(new[] { (1, false, false), (2, true, false) }));
        Assert.That(stored.Select(v => v.PublishedAt), Has.All.Not.Null, "a retracted version stays marked as once published");
        Assert.That(stored[1].UpdatedAt, Is.EqualTo(WorkflowStoreHarness.Epoch.AddMinutes(1)));
        Assert.That((await reopened.Definitions.ListAsync()).Select(d => d.DefinitionId), Is.EquivalentTo(new[] { definitionId, timerId }), "latest of each definition");

        Assert.That((await reopened.Store.ListTriggersAsync()).Select(t => t.DefinitionId), Is.EqualTo(new[] { timerId }));
        Assert.That(await reopened.Definitions.EnsureTriggersAsync(), Is.Empty, "nothing to repair");
        Assert.That((await reopened.Store.ListTriggersAsync()).Select(t => t.DefinitionId), Is.EqualTo(new[] { timerId }), "the trigger row survived, once");
        Assert.That(await reopened.Definitions.RetractAsync(timerId), Is.True);
        Assert.That(await reopened.Store.ListTriggersAsync(), Is.Empty);
        Assert.That((await reopened.Definitions.PublishAsync(definitionId, 1)).Published, Is.True);
        Assert.That((await reopened.Definitions.GetPublishedAsync(definitionId))!.Version, Is.EqualTo(1));
        Assert.That((await reopened.Engine.StartAsync(definitionId, "after-reopen")).DefinitionVersion, Is.EqualTo(1));
    }

    [Test]
    public async Task WorkflowStore_effects_without_an_applier_throw_and_nothing_is_committed()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider, register: r => r.Register<NoteActivity>());
        var definitionId = await h.PublishAsync(Definition("noted", [Start(), Activity("Note", "Test.Note", ("text", "String", "lost?")), End()],
            ("Start1", "Note"), ("Note", "End1")));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await h.Engine.StartAsync(definitionId));
        Assert.That(ex!.Message, Does.Contain(nameof(IWorkflowEffectApplier)).And.Contain(nameof(NoteEffect)));
        Assert.That(await h.Store.ListAsync(new InstanceQuery(definitionId)), Is.Empty);

        var now = WorkflowStoreHarness.Epoch;
        var direct = Commit(new InstanceRecord("i-e", "def", 1, null, null, WorkflowStatus.Running, "{}", 1, now, now), 0) with { DomainEffects = [new NoteEffect("x")] };
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await h.Store.CommitAsync(direct));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await h.Store.CommitBatchAsync([direct]));
        Assert.That(await h.Store.GetAsync("i-e"), Is.Null);
    }

    [Test]
    public async Task WorkflowStore_domain_effects_commit_in_the_steps_transaction_and_roll_back_with_it()
    {
        var applier = new NoteApplier();
        await using var h = await WorkflowStoreHarness.CreateAsync(provider, applier, register: r => r.Register<NoteActivity>());
        var definitionId = await h.PublishAsync(Definition("noted", [Start(), Activity("Note", "Test.Note", ("text", "String", "from the engine")), End()],
            ("Start1", "Note"), ("Note", "End1")));

        var instance = await h.Engine.StartAsync(definitionId);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(await h.CountCaseEventsAsync("from the engine"), Is.EqualTo(1));

        var now = WorkflowStoreHarness.Epoch;
        var row = new InstanceRecord("i-n", "def", 1, null, null, WorkflowStatus.Suspended, "{}", 1, now, now);
        var first = await h.Store.CommitAsync(Commit(row, 0, added: [EventBookmark("b-n", "i-n")]) with { DomainEffects = [new NoteEffect("first")] });
        Assert.That(first.Committed, Is.True);
        Assert.That(await h.CountCaseEventsAsync("first"), Is.EqualTo(1));

        // The applier's row reached the database inside the transaction before the conflict; the rollback removes it.
        var written = await h.Store.CommitAsync(Commit(row with { Version = 2 }, 1, removed: ["b-n"])
            with { DomainEffects = [new NoteEffect("written then conflict", NoteMode.WriteThenConflict)] });
        Assert.That(written.Committed, Is.False);
        Assert.That(written.ConflictReason, Does.Contain("concurrent"));
        Assert.That(written.Failed, Is.False, "a conflict, to be redone");
        Assert.That(await h.CountCaseEventsAsync("written then conflict"), Is.EqualTo(0));

        var broken = await h.Store.CommitAsync(Commit(row with { Version = 2 }, 1, removed: ["b-n"])
            with { DomainEffects = [new NoteEffect("broken write", NoteMode.WriteThenFail)] });
        Assert.That(broken.Committed, Is.False, "a write that throws refuses the step");
        Assert.That(broken.Failed, Is.True, "as a failure, which redoing would not cure");
        Assert.That(await h.CountCaseEventsAsync("broken write"), Is.EqualTo(0));

        Assert.That(await h.Store.GetAsync("i-n"), Is.EqualTo(row), "the step itself was rolled back");
        Assert.That(await h.Store.ListForInstanceAsync("i-n"), Has.Count.EqualTo(1), "the bookmark delete was rolled back");

        var conflictFirst = await h.Store.CommitAsync(Commit(row with { Version = 9 }, 8) with { DomainEffects = [new NoteEffect("never")] });
        Assert.That(conflictFirst.Committed, Is.False);
        Assert.That(await h.CountCaseEventsAsync("never"), Is.EqualTo(0));

        var batch = await h.Store.CommitBatchAsync([
            Commit(row with { Version = 2 }, 1, removed: ["b-n"]) with { DomainEffects = [new NoteEffect("batch kept")] },
            Commit(row with { Id = "i-m" }, 0) with { DomainEffects = [new NoteEffect("batch undone", NoteMode.WriteThenConflict)] },
        ]);
        Assert.That(batch.Select(r => r.Committed), Is.EqualTo(new[] { true, false }));
        Assert.That(await h.CountCaseEventsAsync("batch kept"), Is.EqualTo(1));
        Assert.That(await h.CountCaseEventsAsync("batch undone"), Is.EqualTo(0), "rolled back to the step's savepoint");
        Assert.That(await h.Store.GetAsync("i-m"), Is.Null);
        Assert.That((await h.Store.GetAsync("i-n"))!.Version, Is.EqualTo(2));
    }

    [Test]
    public async Task WorkflowStore_a_step_whose_write_throws_faults_alone_while_its_batch_commits()
    {
        var applier = new NoteApplier();
        await using var h = await WorkflowStoreHarness.CreateAsync(provider, applier, register: r => r.Register<NoteActivity>());
        var definitionId = await h.PublishAsync(Definition("noted-later",
            [Start(), Delay("Wait", "00:01:00"), Activity("Note", "Test.Note", ("text", "String", "")), End()],
            ("Start1", "Wait"), ("Wait", "Note"), ("Note", "End1")));
        var ids = new List<string>();
        foreach (var text in new[] { "first", "fail here", "third" })
            ids.Add((await h.Engine.StartAsync(definitionId, input: new Dictionary<string, object?> { ["text"] = text })).Id);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var fired = await h.Engine.FireAllDueTimersAsync(batchSize: 100);

        Assert.That(fired, Is.EqualTo(2), "the batch's other steps committed");
        Assert.That((await h.Store.GetAsync(ids[0]))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That((await h.Store.GetAsync(ids[2]))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That((await h.Store.GetAsync(ids[1]))!.Status, Is.EqualTo(WorkflowStatus.Faulted));
        var incident = (await h.Store.GetIncidentsAsync(ids[1])).Single();
        Assert.That(incident.Message, Does.Contain("Simulated failure"));
        Assert.That(await h.CountCaseEventsAsync("first"), Is.EqualTo(1));
        Assert.That(await h.CountCaseEventsAsync("third"), Is.EqualTo(1));
        Assert.That(await h.CountCaseEventsAsync("fail here"), Is.EqualTo(0), "the failed step's writes were undone");
        Assert.That(await h.Store.ListForInstanceAsync(ids[1]), Is.Empty, "its timer was consumed, so it does not fail again after every lease");
        Assert.That(await h.Engine.FireAllDueTimersAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task WorkflowStore_one_engine_timer_throughput_over_sqlite()
    {
        const int count = 500;
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var definitionId = await h.PublishAsync(Definition("tick-quiet", [Start(), Delay("Wait", "00:01:00"), End()], ("Start1", "Wait"), ("Wait", "End1")));
        var started = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            await h.Engine.StartAsync(definitionId);
        started.Stop();
        h.Time.Advance(TimeSpan.FromMinutes(1));

        var firing = Stopwatch.StartNew();
        var fired = await h.Engine.FireAllDueTimersAsync(batchSize: 100);
        firing.Stop();

        TestContext.Out.WriteLine($"started {count} instances in {started.Elapsed.TotalSeconds:F2} s ({count / started.Elapsed.TotalSeconds:F0}/s, one commit each); " +
                                  $"fired {fired} timers in {firing.Elapsed.TotalSeconds:F2} s ({fired / firing.Elapsed.TotalSeconds:F0}/s, batches of 100)");
        Assert.That(fired, Is.EqualTo(count));
        Assert.That(await h.Store.ListAsync(new InstanceQuery(definitionId, WorkflowStatus.Suspended)), Is.Empty);
    }

    [Test]
    public async Task WorkflowStore_a_step_journal_reads_back_as_written_in_its_compact_form_and_in_the_first_form()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(provider);
        var at = WorkflowStoreHarness.Epoch;
        var v1 = new InstanceRecord("i-j", "def", 1, "c-1", null, WorkflowStatus.Suspended, "{}", 1, at, at);
        // What a step writes: workflow-level entries without an activity, an activity started then completed with its
        // outcomes, a fault message, an entry a little later, and an entry naming a different activity of the same type.
        JournalEntry[] step =
        [
            new("i-j", 1, at, JournalKind.WorkflowStarted, null, null, null, null),
            new("i-j", 2, at, JournalKind.Started, "start", "Elsa.Start", "Start", null),
            new("i-j", 3, at, JournalKind.Completed, "start", "Elsa.Start", "Start", "Done"),
            new("i-j", 4, at.AddTicks(1234), JournalKind.Started, "check", "Elsa.If", null, null),
            new("i-j", 5, at.AddTicks(1234), JournalKind.Faulted, "check", "Elsa.If", null, "boom: \"quoted\", ünïcödé"),
            new("i-j", 6, at.AddTicks(1000), JournalKind.Started, "check2", "Elsa.If", null, null),
            new("i-j", 7, at.AddTicks(1000), JournalKind.WorkflowFaulted, null, null, null, "boom"),
        ];
        Assert.That((await h.Store.CommitAsync(Commit(v1, 0, journal: step))).Committed, Is.True);
        // A step whose entries skip a number (the runtime does not write one today) keeps its own numbers.
        var v2 = v1 with { Version = 2 };
        JournalEntry[] gapped = [new("i-j", 9, at, JournalKind.Resumed, "w", "Elsa.Event", null, null), new("i-j", 11, at, JournalKind.Suspended, "w", "Elsa.Event", null, null)];
        Assert.That((await h.Store.CommitAsync(Commit(v2, 1, journal: gapped))).Committed, Is.True);
        // A row as CaseFlow wrote it before the compact form existed.
        await using (var db = h.Database.CreateContext())
        {
            db.WorkflowJournal.Add(new WorkflowJournalStepRow
            {
                InstanceId = "i-j", Sequence = 12,
                Entries = $"[[12,{at.UtcTicks + 5},\"Resumed\",\"w\",\"Elsa.Event\",\"Wait\",null],[13,{at.UtcTicks + 5},\"Completed\",\"w\",\"Elsa.Event\",\"Wait\",\"Done\"]]",
            });
            await db.SaveChangesAsync();
        }

        JournalEntry[] old = [new("i-j", 12, at.AddTicks(5), JournalKind.Resumed, "w", "Elsa.Event", "Wait", null), new("i-j", 13, at.AddTicks(5), JournalKind.Completed, "w", "Elsa.Event", "Wait", "Done")];
        Assert.That(await h.Store.GetJournalAsync("i-j"), Is.EqualTo(step.Concat(gapped).Concat(old).ToArray()));

        // The compact form is what keeps the table small: this step takes under 60 % of its first form, and its
        // text is stored as text, not as escapes.
        await using (var db = h.Database.CreateContext())
        {
            var compact = db.WorkflowJournal.Single(r => r.InstanceId == "i-j" && r.Sequence == 1).Entries;
            var firstForm = System.Text.Json.JsonSerializer.Serialize(step.Select(e => new object?[] { e.Sequence, e.At.UtcTicks, e.Kind.ToString(), e.ActivityId, e.ActivityType, e.ActivityName, e.Detail }),
                new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            TestContext.Out.WriteLine($"{compact.Length} against {firstForm.Length}: {compact}");
            Assert.That(compact, Does.Contain("ünïcödé"));
            Assert.That(compact.Length, Is.LessThan(firstForm.Length * 0.6), compact);
        }
    }

    private static WorkflowCommit Commit(InstanceRecord instance, long expectedVersion, IReadOnlyList<Bookmark>? added = null, IReadOnlyList<string>? removed = null,
        IReadOnlyList<JournalEntry>? journal = null, IReadOnlyList<Incident>? incidents = null, IReadOnlyList<string>? consumed = null) =>
        new(instance, expectedVersion, added ?? [], removed ?? [], journal ?? [], incidents ?? [], consumed ?? [], []);

    private static Bookmark EventBookmark(string id, string instanceId) =>
        new(id, BookmarkKind.Event, instanceId, "def", 1, "Wait", "approved", "c-1", null, null, WorkflowStoreHarness.Epoch);

    private static JournalEntry Entry(string instanceId, long sequence) =>
        new(instanceId, sequence, WorkflowStoreHarness.Epoch, JournalKind.Resumed, "Wait", "Elsa.Event", null, null);
}

/// <summary>SQLite's plan for the timer claim: the due-time index gives the rows and their order.</summary>
[TestFixture]
public sealed class SqliteClaimPlanTests
{
    [Test]
    public async Task WorkflowStore_the_claim_uses_the_partial_due_time_index()
    {
        await using var h = await WorkflowStoreHarness.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = new SqliteConnection(h.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Format(EfWorkflowStore.SqliteClaimSql, "@now", "@owner", "@lease", "@max");
        command.Parameters.AddWithValue("@now", 1L);
        command.Parameters.AddWithValue("@owner", "x");
        command.Parameters.AddWithValue("@lease", 2L);
        command.Parameters.AddWithValue("@max", 10);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetString(3));
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, plan));
        Assert.That(plan, Has.Some.Contains("IX_WorkflowBookmarks_Timed_DueAt"));
        Assert.That(plan, Has.None.Contains("TEMP B-TREE"), "the index gives the order");
    }
}
