using System.Diagnostics;
using CaseFlow.Api.V1;
using CaseFlow.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// Several CaseFlow replicas on one PostgreSQL database: every case escalated exactly once per level whichever
/// replica fires, a replica killed mid-sweep loses and doubles nothing, and a watcher on one replica receives every
/// event written through another exactly once, including events whose transactions commit out of id order.
/// Skipped with the reason where no PostgreSQL server is configured.
/// </summary>
[TestFixture]
public sealed class ReplicaTests
{
    // Friday 6 November 2026, 10:00 IST; the limits below are the shipped case-escalation's working-day ones.
    private static readonly DateTimeOffset Registered = new(2026, 11, 6, 4, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset Ist(int month, int day) => new DateTimeOffset(2026, month, day, 10, 0, 0, TimeSpan.FromMinutes(330)).ToUniversalTime();

    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["CaseFlow:Workflows:TimerPoll"] = "00:00:00.500",
        ["CaseFlow:Watch:HeartbeatInterval"] = "00:00:00.300",
    };

    [Test]
    public async Task Two_replicas_register_and_escalate_side_by_side_and_each_case_climbs_to_L4_escalated_once_per_level()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Postgres);
        var clock = new FakeTimeProvider(Registered);
        await using var a = await StartAsync(s => s.AddSingleton<TimeProvider>(clock), settings: Fast, database: database);
        await using var b = await StartAsync(s => s.AddSingleton<TimeProvider>(clock), settings: Fast, database: database);
        var viaA = new CaseService.CaseServiceClient(a.Channel);
        var viaB = new CaseService.CaseServiceClient(b.Channel);

        // Registered through both at once; each read back through the other.
        var created = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? viaA : viaB).CreateCaseAsync(Requests.NewCase(), (i % 2 == 0 ? a : b).As(PortalKey)).ResponseAsync));
        for (var i = 0; i < created.Length; i++)
        {
            var other = i % 2 == 0 ? viaB : viaA;
            var read = await other.GetCaseAsync(new GetCaseRequest { Name = created[i].Name }, a.As(PortalKey));
            Assert.That(read.Etag, Is.EqualTo(created[i].Etag));
            Assert.That(read.DueTime, Is.Not.Null, "armed in the commit that registered it, on either replica");
        }
        var numbers = created.Select(c => long.Parse(c.Number[^6..])).Order().ToList();
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(1, 40).Select(n => (long)n)), "unique, increasing and without gaps across replicas");

        foreach (var (until, level) in new[] { (Ist(11, 18), Level.L2), (Ist(11, 26), Level.L3), (Ist(12, 2), Level.L4) })
        {
            clock.SetUtcNow(until);
            foreach (var c in created)
                await Eventually.Until(() => viaA.GetCaseAsync(new GetCaseRequest { Name = c.Name }, a.As(PortalKey)).ResponseAsync,
                    x => x.Level == level && x.DueTime.ToDateTimeOffset() > until, $"{c.Number} at {level}");
        }
        await Task.Delay(1500); // long enough for a double firing to show
        foreach (var c in created)
        {
            var history = (await viaB.GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = c.Name }, b.As(PortalKey))).Events.Select(e => e.Type).ToList();
            Assert.That(history.Count(t => t == "Escalated"), Is.EqualTo(3), $"{c.Number}: once to each of L2, L3, L4");
            Assert.That(history.Count(t => t == "LimitBreached"), Is.EqualTo(3), $"{c.Number}: each breach recorded once");
        }
        Assert.That(database.Scalar(a.DataDirectory, "SELECT COUNT(*) FROM \"WorkflowIncidents\""), Is.EqualTo(0));
    }

    [Test]
    public async Task A_retry_on_the_other_replica_returns_the_first_case_even_when_both_arrive_at_once()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Postgres);
        await using var a = await StartAsync(settings: Fast, database: database);
        await using var b = await StartAsync(settings: Fast, database: database);
        var viaA = new CaseService.CaseServiceClient(a.Channel);
        var viaB = new CaseService.CaseServiceClient(b.Channel);

        var request = Requests.NewCase();
        var first = await viaA.CreateCaseAsync(request, a.As(PortalKey));
        var retried = await viaB.CreateCaseAsync(request, b.As(PortalKey));
        Assert.That(retried.Number, Is.EqualTo(first.Number));

        for (var i = 0; i < 10; i++)
        {
            var same = Requests.NewCase();
            var both = await Task.WhenAll(viaA.CreateCaseAsync(same, a.As(PortalKey)).ResponseAsync, viaB.CreateCaseAsync(same, b.As(PortalKey)).ResponseAsync);
            Assert.That(both[1].Number, Is.EqualTo(both[0].Number), "one request id, one case, whichever replica won");
        }
        Assert.That(database.Scalar(a.DataDirectory, "SELECT COUNT(*) FROM \"Cases\""), Is.EqualTo(11));
    }

    [Test]
    public async Task A_watcher_on_one_replica_gets_every_event_written_through_the_other_once_in_a_stable_order_across_a_reconnect()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Postgres);
        await using var a = await StartAsync(settings: Fast, database: database);
        await using var b = await StartAsync(settings: Fast, database: database);
        var viaA = new CaseService.CaseServiceClient(a.Channel);
        var viaB = new CaseService.CaseServiceClient(b.Channel);

        using var steadyCts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var steady = viaB.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/energy" }, b.As(EnergyKey, steadyCts.Token));
        using var firstCts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = viaB.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/energy" }, b.As(EnergyKey, firstCts.Token));
        await FirstHeartbeatAsync(steady, steadyCts.Token);
        await FirstHeartbeatAsync(first, firstCts.Token);

        // Writers on both replicas at once, so their transactions interleave.
        var writing = Task.WhenAll(Enumerable.Range(0, 2).Select(async w =>
        {
            var (client, host) = w == 0 ? (viaA, a) : (viaB, b);
            for (var i = 0; i < 15; i++)
            {
                var c = await client.CreateCaseAsync(Requests.NewCase(), host.As(PortalKey));
                await client.AddNoteAsync(new AddNoteRequest { Name = c.Name, Text = $"note {w}-{i}" }, host.As(EnergyKey));
            }
        }));

        var reconnecting = new List<CaseEvent>();
        string token = "";
        while (reconnecting.Count < 25 && await first.ResponseStream.MoveNext(firstCts.Token))
            if (first.ResponseStream.Current.Event is { } e)
            {
                reconnecting.Add(e);
                token = e.ResumeToken;
            }
        firstCts.Cancel();
        first.Dispose();
        await writing;
        var expected = (int)database.Scalar(a.DataDirectory, "SELECT COUNT(*) FROM \"CaseEvents\" WHERE \"Department\" = 'energy'");

        using var secondCts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var second = viaB.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/energy", ResumeToken = token }, b.As(EnergyKey, secondCts.Token));
        reconnecting.AddRange(await EventsAsync(second, expected - reconnecting.Count, secondCts.Token));
        var continuous = await EventsAsync(steady, expected, steadyCts.Token);

        Assert.That(reconnecting.Select(Key), Is.Unique, "nothing twice across the reconnect");
        Assert.That(reconnecting.Select(Key), Is.EqualTo(continuous.Select(Key)), "the same events in the same order as an unbroken stream");
        var ids = database.Scalar(a.DataDirectory, "SELECT COUNT(DISTINCT \"Id\") FROM \"CaseEvents\" WHERE \"Department\" = 'energy'");
        Assert.That(continuous, Has.Count.EqualTo(ids), "every event written through either replica");
        Assert.That(continuous.Count(e => e.Type == "NoteAdded"), Is.EqualTo(30));
    }

    [Test]
    public async Task An_event_committed_after_a_higher_id_was_delivered_is_still_delivered_once()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Postgres);
        await using var host = await StartAsync(settings: Fast, database: database);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var c = await cases.CreateCaseAsync(Requests.NewCase(), host.As(PortalKey));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = cases.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/energy", EventTypes = { "NoteAdded" } }, host.As(EnergyKey, cts.Token));
        await FirstHeartbeatAsync(watch, cts.Token);

        // Two replicas' transactions, by hand: the first draws the lower id but commits last.
        await using var one = await OpenAsync(database);
        await using var two = await OpenAsync(database);
        await using var tx1 = await one.BeginTransactionAsync();
        var low = await InsertNoteAsync(one, tx1, c.Number, "drawn first, committed last");
        await using (var tx2 = await two.BeginTransactionAsync())
        {
            var high = await InsertNoteAsync(two, tx2, c.Number, "drawn second, committed first");
            Assert.That(high, Is.GreaterThan(low));
            await tx2.CommitAsync();
        }
        await Task.Delay(1500); // several polls see the higher id committed while the lower one is still open
        await tx1.CommitAsync();

        // And the other way round: a transaction that began writing first inserts its event after another committed.
        await using var tx3 = await one.BeginTransactionAsync();
        await using (var txid = new NpgsqlCommand("SELECT pg_current_xact_id()", one, tx3)) await txid.ExecuteScalarAsync();
        await using (var tx4 = await two.BeginTransactionAsync())
        {
            await InsertNoteAsync(two, tx4, c.Number, "later transaction, committed first");
            await tx4.CommitAsync();
        }
        await Task.Delay(1500);
        await InsertNoteAsync(one, tx3, c.Number, "earlier transaction, written and committed last");
        await tx3.CommitAsync();

        var texts = (await EventsAsync(watch, 4, cts.Token)).Select(e => e.Text).ToList();
        Assert.That(texts, Is.EquivalentTo(new[]
        {
            "drawn first, committed last", "drawn second, committed first", "later transaction, committed first", "earlier transaction, written and committed last",
        }), "each exactly once, none skipped");
        Assert.That(texts.Take(2), Is.EqualTo(new[] { "drawn first, committed last", "drawn second, committed first" }), "in the order their transactions began");
        await Task.Delay(1000);
        using var again = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));
        Assert.That(await EventsAsync(watch, 1, again.Token, allowFewer: true), Is.Empty, "and nothing more");
    }

    [Test]
    public async Task The_weekly_cron_fires_once_across_replicas_each_circular_is_mailed_once_and_a_dead_replicas_claim_is_taken_over()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Postgres);
        await using var smtp = new SmtpSink();
        // Tuesday 24 November 2026, 10:00 IST.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 4, 30, 0, TimeSpan.Zero));
        var settings = new Dictionary<string, string?>(Fast)
        {
            ["CaseFlow:Smtp:Host"] = "127.0.0.1",
            ["CaseFlow:Smtp:Port"] = smtp.Port.ToString(),
        };
        await using var a = await StartAsync(s => s.AddSingleton<TimeProvider>(clock), settings: settings, database: database);
        await using var b = await StartAsync(s => s.AddSingleton<TimeProvider>(clock), settings: settings, database: database);
        var cases = new CaseService.CaseServiceClient(a.Channel);
        await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), a.As(PortalKey));
        await cases.CreateCaseAsync(Requests.NewCase(category: "water-supply", district: "haridwar"), a.As(PortalKey));

        // Monday 30 November, 09:00 IST: both replicas' pumps see the cron fall due.
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 3, 30, 0, TimeSpan.Zero));
        var circulars = new CircularService.CircularServiceClient(b.Channel);
        var list = await Eventually.Until(() => circulars.ListCircularsAsync(new ListCircularsRequest(), b.As(ReadOnlyKey)).ResponseAsync,
            r => r.Circulars.Count > 0 && r.Circulars.All(c => c.DeliverTime is not null), "the delivered circulars", seconds: 60);
        await Task.Delay(1500); // a second delivery, if a replica made one, would land now
        Assert.That(list.Circulars, Has.Count.EqualTo(6), "one weekly run: state-wide and two HoD circulars, in Hindi and English");
        Assert.That(smtp.Messages, Has.Count.EqualTo(6), "each circular mailed by one replica only");

        // A replica claimed one circular and died before it was mailed: the claim runs out and another replica mails it.
        var victim = list.Circulars[0].Id;
        await using (var connection = await OpenAsync(database))
        await using (var orphan = new NpgsqlCommand("""
            UPDATE "Circulars" SET "DeliveredAt" = NULL, "DeliveryNote" = NULL, "DeliveryClaim" = 'dead-replica/1', "DeliveryClaimUntil" = @until
            WHERE "Id" = @id
            """, connection))
        {
            orphan.Parameters.AddWithValue("id", victim);
            orphan.Parameters.AddWithValue("until", (clock.GetUtcNow() + TimeSpan.FromMinutes(10)).UtcTicks);
            Assert.That(await orphan.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }
        clock.Advance(TimeSpan.FromMinutes(6)); // a retry round, but the dead replica's claim still holds
        await Task.Delay(1500);
        Assert.That(smtp.Messages, Has.Count.EqualTo(6), "a live claim is not taken");
        clock.Advance(TimeSpan.FromMinutes(6)); // past the lease, and another retry round
        await Eventually.Until(() => Task.FromResult(smtp.Messages.Count), n => n >= 7, "the orphaned circular mailed");
        await Task.Delay(1500);
        Assert.That(smtp.Messages, Has.Count.EqualTo(7), "taken over by one replica, not both");
        var again = await circulars.GetCircularAsync(new GetCircularRequest { Id = victim }, b.As(ReadOnlyKey));
        Assert.That(again.DeliverTime, Is.Not.Null);
    }

    // On SQLite the two servers share one file, and the writer reads the versions in force on its own connection.
    [TestCase(DatabaseProvider.Postgres)]
    [TestCase(DatabaseProvider.Sqlite)]
    public async Task A_version_published_through_one_replica_starts_the_next_case_registered_through_the_other(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var clock = new FakeTimeProvider(Registered);
        var folder = Directory.CreateTempSubdirectory("caseflow-replicas-").FullName; // SQLite: one file for both
        await using var a = await StartAsync(s => s.AddSingleton<TimeProvider>(clock), folder, settings: Fast, database: database);
        await using var b = await StartAsync(s => s.AddSingleton<TimeProvider>(clock), folder, settings: Fast, database: database);
        var viaB = new CaseService.CaseServiceClient(b.Channel);
        var before = await viaB.CreateCaseAsync(Requests.NewCase(), b.As(PortalKey)); // B now has version 1 cached
        Assert.That(before.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 18)), "seven working days");

        await ServerProcess.ShortenLimitsAsync(new WorkflowService.WorkflowServiceClient(a.Channel), new Dictionary<string, int> { ["slaL1"] = 600 });
        var after = await viaB.CreateCaseAsync(Requests.NewCase(), b.As(PortalKey));
        Assert.That(after.DueTime.ToDateTimeOffset(), Is.EqualTo(Registered + TimeSpan.FromMinutes(10)),
            "the version A published a moment ago, not the one B had cached");
    }

    [Test]
    public async Task A_replica_killed_mid_sweep_has_its_work_taken_over_and_every_case_reaches_L4_escalated_once_per_level()
    {
        const int count = 400;
        await using var database = TestDatabase.Create(DatabaseProvider.Postgres);
        var extra = new Dictionary<string, string?>
        {
            ["CaseFlow:Workflows:TimerLease"] = "00:00:05", ["CaseFlow:Workflows:TimerPoll"] = "00:00:00.500",
            ["CaseFlow:Watch:HeartbeatInterval"] = "00:00:00.500",
        };
        var dirA = Directory.CreateTempSubdirectory("caseflow-replica-a-").FullName;
        var dirB = Directory.CreateTempSubdirectory("caseflow-replica-b-").FullName;
        var (grpcA, httpA) = FreePorts();
        var (grpcB, httpB) = FreePorts();
        var a = ServerProcess.Start(database, dirA, grpcA, httpA, extra);
        Process? b = null, restartedA = null;
        try
        {
            using var channelA = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcA}");
            var viaA = new CaseService.CaseServiceClient(channelA);
            await ServerProcess.WaitUntilServingAsync(viaA);
            await ServerProcess.ShortenLimitsAsync(new WorkflowService.WorkflowServiceClient(channelA),
                new Dictionary<string, int> { ["slaL1"] = 10, ["slaL2"] = 6, ["slaL3"] = 6 });
            b = ServerProcess.Start(database, dirB, grpcB, httpB, extra);
            using var channelB = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcB}");
            var viaB = new CaseService.CaseServiceClient(channelB);
            await ServerProcess.WaitUntilServingAsync(viaB);

            using var watchCts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
            using var watch = viaB.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/energy" },
                new CallOptions(new Metadata { { "x-api-key", EnergyKey } }, cancellationToken: watchCts.Token));
            await FirstHeartbeatAsync(watch, watchCts.Token);

            var created = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
                (i % 2 == 0 ? viaA : viaB).CreateCaseAsync(Requests.NewCase(), ServerProcess.Key(PortalKey)).ResponseAsync));

            while (database.Scalar(dirA, "SELECT COUNT(*) FROM \"CaseEvents\" WHERE \"Type\" = 'Escalated'") == 0)
                await Task.Delay(5);
            a.Kill(entireProcessTree: true);
            await a.WaitForExitAsync();
            var atKill = database.Scalar(dirA, "SELECT COUNT(*) FROM \"CaseEvents\" WHERE \"Type\" = 'Escalated'");
            await Task.Delay(2000);
            restartedA = ServerProcess.Start(database, dirA, grpcA, httpA, extra);

            var watchClock = Stopwatch.StartNew();
            while (database.Scalar(dirA, "SELECT COUNT(*) FROM \"Cases\" WHERE \"Level\" = 4") < count && watchClock.Elapsed < TimeSpan.FromSeconds(120))
                await Task.Delay(200);
            await Task.Delay(1500);
            TestContext.Out.WriteLine($"escalations before the kill: {atKill}; all {count} at L4 {watchClock.Elapsed.TotalSeconds:F1} s after it");

            Assert.That(database.Scalar(dirA, "SELECT COUNT(*) FROM \"Cases\" WHERE \"Level\" = 4"), Is.EqualTo(count), "nothing lost");
            Assert.That(database.Scalar(dirA, """
                SELECT COUNT(*) FROM (SELECT "CaseNumber" FROM "CaseEvents" WHERE "Type" = 'Escalated' GROUP BY "CaseNumber" HAVING COUNT(*) = 3) thrice
                """), Is.EqualTo(count), "each case escalated exactly once to each of L2, L3, L4");
            Assert.That(database.Scalar(dirA, "SELECT COUNT(*) FROM \"CaseEvents\" WHERE \"Type\" = 'LimitBreached'"), Is.EqualTo(3 * count), "each breach once");
            Assert.That(database.Scalar(dirA, "SELECT COUNT(*) FROM \"WorkflowIncidents\""), Is.EqualTo(0));

            var all = (int)database.Scalar(dirA, "SELECT COUNT(*) FROM \"CaseEvents\" WHERE \"Department\" = 'energy'");
            var streamed = await EventsAsync(watch, all, watchCts.Token);
            Assert.That(streamed.Select(Key), Is.Unique, "the watcher on the surviving replica saw nothing twice");
            Assert.That(streamed.Count(e => e.Type == "Escalated"), Is.EqualTo(3 * count), "and every escalation, from either replica");
            Assert.That(created.Select(c => c.Name), Is.SubsetOf(streamed.Where(e => e.Type == "Registered").Select(e => e.Case)));
        }
        finally
        {
            foreach (var p in new[] { a, b, restartedA })
                if (p is { HasExited: false }) { p.Kill(true); await p.WaitForExitAsync(); }
        }
    }

    private static string Key(CaseEvent e) => e.ResumeToken;

    private static async Task FirstHeartbeatAsync(AsyncServerStreamingCall<WatchCaseEventsResponse> call, CancellationToken ct)
    {
        // A stream without a token starts at the newest event when the server takes the call; its first heartbeat proves that.
        while (await call.ResponseStream.MoveNext(ct) && call.ResponseStream.Current.Heartbeat is null) { }
    }

    private static async Task<List<CaseEvent>> EventsAsync(AsyncServerStreamingCall<WatchCaseEventsResponse> call, int count, CancellationToken ct, bool allowFewer = false)
    {
        var events = new List<CaseEvent>();
        try
        {
            while (events.Count < count && await call.ResponseStream.MoveNext(ct))
                if (call.ResponseStream.Current.Event is { } e) events.Add(e);
        }
        catch (Exception e) when (allowFewer && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }) { }
        return events;
    }

    private static async Task<NpgsqlConnection> OpenAsync(TestDatabase database)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> InsertNoteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string number, string text)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO "CaseEvents" ("CaseNumber", "Department", "Type", "At", "ActorSystem", "Text", "CaseVersion")
            VALUES (@number, 'energy', 'NoteAdded', @at, 'test', @text, 1) RETURNING "Id"
            """, connection, tx);
        insert.Parameters.AddWithValue("number", number);
        insert.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.UtcTicks);
        insert.Parameters.AddWithValue("text", text);
        return (long)(await insert.ExecuteScalarAsync())!;
    }
}
