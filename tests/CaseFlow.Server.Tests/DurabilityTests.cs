using CaseFlow.Server.Hosting;
using System.Diagnostics;
using CaseFlow.Api.V1;
using Grpc.Net.Client;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>A registered complaint is never lost: not across a restart, not across kill -9.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class DurabilityTests(DatabaseProvider provider)
{
    [Test]
    public async Task Cases_survive_a_restart_on_the_same_database_file()
    {
        await using var host = await CaseFlowHost.StartAsync(provider: provider);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var created = await cases.CreateCaseAsync(Requests.NewCase(category: "road-condition", district: "uttarkashi"), host.As(PortalKey));

        await host.RestartAsync();
        cases = new CaseService.CaseServiceClient(host.Channel);

        var fetched = await cases.GetCaseAsync(new GetCaseRequest { Name = created.Name }, host.As(PortalKey));
        Assert.That(fetched.Description, Is.EqualTo(created.Description));
        Assert.That(fetched.Etag, Is.EqualTo(created.Etag));
        var next = await cases.CreateCaseAsync(Requests.NewCase(category: "road-condition"), host.As(PortalKey));
        Assert.That(long.Parse(next.Number[^6..]), Is.EqualTo(long.Parse(created.Number[^6..]) + 1), "numbering continues after a restart");
    }

    [Test]
    public async Task A_case_survives_kill_minus_9_the_instant_CreateCase_returned()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("caseflow-kill-").FullName;
        await using var database = TestDatabase.Create(provider);
        var (grpcPort, httpPort) = FreePorts();
        var server = ServerProcess.Start(database, dataDirectory, grpcPort, httpPort);
        var created = new List<Api.V1.Case>();
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var cases = new CaseService.CaseServiceClient(channel);
            await ServerProcess.WaitUntilServingAsync(cases);
            // Keep the writer busy so the kill lands while later batches are in flight.
            var inFlight = Enumerable.Range(0, 400).Select(i => cases.CreateCaseAsync(Requests.NewCase(category: "hospital-services"),
                new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-api-key", PortalKey } })).ResponseAsync).ToList();
            while (created.Count < 50)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                if (done.IsCompletedSuccessfully) created.Add(done.Result);
            }
            server.Kill(entireProcessTree: true); // SIGKILL: no shutdown hooks, no flush.
            await server.WaitForExitAsync();
            foreach (var t in inFlight.Where(t => t.IsCompletedSuccessfully)) created.Add(t.Result);
        }
        finally
        {
            if (!server.HasExited) server.Kill(true);
        }

        await using var host = await CaseFlowHost.StartAsync(dataDirectory: dataDirectory, database: database);
        var after = new CaseService.CaseServiceClient(host.Channel);
        foreach (var c in created)
        {
            var fetched = await after.GetCaseAsync(new GetCaseRequest { Name = c.Name }, host.As(PortalKey));
            Assert.That(fetched.Number, Is.EqualTo(c.Number));
        }
        Assert.That(created, Has.Count.GreaterThanOrEqualTo(50));
    }

    [Test]
    public async Task Kill_minus_9_in_the_middle_of_an_escalation_sweep_loses_nothing_doubles_nothing_and_recovers_at_once()
    {
        const int count = 1500;
        var dataDirectory = Directory.CreateTempSubdirectory("caseflow-kill-sweep-").FullName;
        var (grpcPort, httpPort) = FreePorts();
        var extra = new Dictionary<string, string?> { ["CaseFlow:Workflows:TimerLease"] = "00:00:05", ["CaseFlow:Workflows:TimerPoll"] = "00:00:00.500" };
        await using var database = TestDatabase.Create(provider);
        var server = ServerProcess.Start(database, dataDirectory, grpcPort, httpPort, extra);
        long escalatedAtKill;
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var cases = new CaseService.CaseServiceClient(channel);
            await ServerProcess.WaitUntilServingAsync(cases);
            // L1 limit of a few seconds: the whole batch falls due at once, while the server runs on the real clock.
            var workflows = new WorkflowService.WorkflowServiceClient(channel);
            await ServerProcess.ShortenLimitsAsync(workflows, new Dictionary<string, int> { ["slaL1"] = 8 });

            var portal = new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-api-key", PortalKey } });
            var creates = Enumerable.Range(0, count).Select(_ => cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), portal).ResponseAsync).ToList();
            var created = await Task.WhenAll(creates);
            Assert.That(created.Select(c => c.DueTime), Has.All.Not.Null, "each case came back with its L1 due time");

            // Kill as soon as the sweep has begun and before it is over.
            while (true)
            {
                escalatedAtKill = database.Scalar(dataDirectory, """SELECT COUNT(*) FROM "CaseEvents" WHERE "Type" = 'Escalated'""");
                if (escalatedAtKill > 0) break;
                await Task.Delay(5);
            }
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            escalatedAtKill = database.Scalar(dataDirectory, """SELECT COUNT(*) FROM "CaseEvents" WHERE "Type" = 'Escalated'""");
        }
        finally
        {
            if (!server.HasExited) server.Kill(true);
        }

        // Same ports, so the same engine id: the restarted server frees the dead one's claims instead of waiting out their lease.
        var restarted = ServerProcess.Start(database, dataDirectory, grpcPort, httpPort, extra);
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            await ServerProcess.WaitUntilServingAsync(new CaseService.CaseServiceClient(channel));
            var watch = Stopwatch.StartNew();
            while (database.Scalar(dataDirectory, """SELECT COUNT(*) FROM "Cases" WHERE "Level" = 2""") < count && watch.Elapsed < TimeSpan.FromSeconds(90))
                await Task.Delay(100);
            TestContext.Out.WriteLine($"escalated before the kill: {escalatedAtKill} of {count}; the rest within {watch.Elapsed.TotalSeconds:F1} s of the restart serving");
            Assert.That(database.Scalar(dataDirectory, """SELECT COUNT(*) FROM "Cases" WHERE "Level" = 2"""), Is.EqualTo(count), "nothing lost");
            Assert.That(database.Scalar(dataDirectory, """SELECT COUNT(*) FROM (SELECT "CaseNumber" FROM "CaseEvents" WHERE "Type" = 'Escalated' GROUP BY "CaseNumber" HAVING COUNT(*) = 1) once"""),
                Is.EqualTo(count), "each case escalated exactly once");
            Assert.That(database.Scalar(dataDirectory, """SELECT COUNT(*) FROM "CaseEvents" WHERE "Type" = 'LimitBreached'"""), Is.EqualTo(count), "each breach recorded once");
            Assert.That(database.Scalar(dataDirectory, "SELECT COUNT(*) FROM \"WorkflowIncidents\""), Is.EqualTo(0));
        }
        finally
        {
            restarted.Kill(true);
            await restarted.WaitForExitAsync();
        }
    }
}
