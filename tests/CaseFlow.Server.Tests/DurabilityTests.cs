using System.Diagnostics;
using Microsoft.Data.Sqlite;
using CaseFlow.Api.V1;
using Grpc.Net.Client;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>A registered complaint is never lost: not across a restart, not across kill -9.</summary>
[TestFixture]
public sealed class DurabilityTests
{
    [Test]
    public async Task Cases_survive_a_restart_on_the_same_database_file()
    {
        await using var host = await CaseFlowHost.StartAsync();
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
        var (grpcPort, httpPort) = FreePorts();
        var server = StartServerProcess(dataDirectory, grpcPort, httpPort);
        var created = new List<Api.V1.Case>();
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var cases = new CaseService.CaseServiceClient(channel);
            await WaitUntilServingAsync(cases);
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

        await using var host = await CaseFlowHost.StartAsync(dataDirectory: dataDirectory);
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
        var server = StartServerProcess(dataDirectory, grpcPort, httpPort, extra);
        var database = Path.Combine(dataDirectory, "caseflow.db");
        long escalatedAtKill;
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var cases = new CaseService.CaseServiceClient(channel);
            await WaitUntilServingAsync(cases);
            // L1 limit of a few seconds: the whole batch falls due at once, while the server runs on the real clock.
            var workflows = new WorkflowService.WorkflowServiceClient(channel);
            var admin = new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-api-key", AdminKey } });
            var current = await workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, admin);
            var json = System.Text.Json.Nodes.JsonNode.Parse(current.Json)!;
            var l1 = json["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "slaL1")!.AsObject();
            l1["duration"] = new System.Text.Json.Nodes.JsonObject
            {
                ["typeName"] = "TimeSpan", ["expression"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "Literal", ["value"] = "0.00:00:08" },
            };
            await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = json.ToJsonString() }, admin);
            await workflows.PublishWorkflowDefinitionAsync(new PublishWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, admin);

            var portal = new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-api-key", PortalKey } });
            var creates = Enumerable.Range(0, count).Select(_ => cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), portal).ResponseAsync).ToList();
            var created = await Task.WhenAll(creates);
            Assert.That(created.Select(c => c.DueTime), Has.All.Not.Null, "each case came back with its L1 due time");

            // Kill as soon as the sweep has begun and before it is over.
            while (true)
            {
                escalatedAtKill = Scalar(database, "SELECT COUNT(*) FROM CaseEvents WHERE Type = 'Escalated'");
                if (escalatedAtKill > 0) break;
                await Task.Delay(5);
            }
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            escalatedAtKill = Scalar(database, "SELECT COUNT(*) FROM CaseEvents WHERE Type = 'Escalated'");
        }
        finally
        {
            if (!server.HasExited) server.Kill(true);
        }

        // Same ports, so the same engine id: the restarted server frees the dead one's claims instead of waiting out their lease.
        var restarted = StartServerProcess(dataDirectory, grpcPort, httpPort, extra);
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            await WaitUntilServingAsync(new CaseService.CaseServiceClient(channel));
            var watch = Stopwatch.StartNew();
            while (Scalar(database, "SELECT COUNT(*) FROM Cases WHERE Level = 2") < count && watch.Elapsed < TimeSpan.FromSeconds(90))
                await Task.Delay(100);
            TestContext.Out.WriteLine($"escalated before the kill: {escalatedAtKill} of {count}; the rest within {watch.Elapsed.TotalSeconds:F1} s of the restart serving");
            Assert.That(Scalar(database, "SELECT COUNT(*) FROM Cases WHERE Level = 2"), Is.EqualTo(count), "nothing lost");
            Assert.That(Scalar(database, "SELECT COUNT(*) FROM (SELECT CaseNumber FROM CaseEvents WHERE Type = 'Escalated' GROUP BY CaseNumber HAVING COUNT(*) = 1)"),
                Is.EqualTo(count), "each case escalated exactly once");
            Assert.That(Scalar(database, "SELECT COUNT(*) FROM CaseEvents WHERE Type = 'LimitBreached'"), Is.EqualTo(count), "each breach recorded once");
            Assert.That(Scalar(database, "SELECT COUNT(*) FROM WorkflowIncidents"), Is.EqualTo(0));
        }
        finally
        {
            restarted.Kill(true);
            await restarted.WaitForExitAsync();
        }
    }

    private static long Scalar(string database, string sql)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                return Convert.ToInt64(cmd.ExecuteScalar());
            }
            catch (Microsoft.Data.Sqlite.SqliteException) when (attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static Process StartServerProcess(string dataDirectory, int grpcPort, int httpPort, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "CaseFlow.Server.dll");
        var start = new ProcessStartInfo("dotnet", [serverDll])
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in Settings(dataDirectory, grpcPort, httpPort).Concat(extra ?? new Dictionary<string, string?>()))
            start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilServingAsync(CaseService.CaseServiceClient cases)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-", PageSize = 1 },
                    new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-api-key", PortalKey } }));
                return;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
