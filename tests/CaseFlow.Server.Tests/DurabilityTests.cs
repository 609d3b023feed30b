using System.Diagnostics;
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

    private static Process StartServerProcess(string dataDirectory, int grpcPort, int httpPort)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "CaseFlow.Server.dll");
        var start = new ProcessStartInfo("dotnet", [serverDll])
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in Settings(dataDirectory, grpcPort, httpPort))
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
