using System.Diagnostics;
using System.Text.Json.Nodes;
using CaseFlow.Api.V1;
using Grpc.Core;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>The server as its own process (dotnet CaseFlow.Server.dll), for tests that SIGKILL it.</summary>
internal static class ServerProcess
{
    public static Process Start(TestDatabase database, string dataDirectory, int grpcPort, int httpPort, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "CaseFlow.Server.dll");
        var start = new ProcessStartInfo("dotnet", [serverDll])
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in Settings(dataDirectory, grpcPort, httpPort).Concat(database.Settings).Concat(extra ?? new Dictionary<string, string?>()))
            start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitUntilServingAsync(CaseService.CaseServiceClient cases)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-", PageSize = 1 },
                    new CallOptions(new Metadata { { "x-api-key", PortalKey } }));
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public static CallOptions Key(string key) => new(new Metadata { { "x-api-key", key } }, deadline: DateTime.UtcNow.AddSeconds(60));

    /// <summary>
    /// Publishes case-escalation with the given limits (seconds) for the SLA timers named, through WorkflowService as an
    /// administrator would, so that a real-clock server escalates within a test.
    /// </summary>
    public static async Task ShortenLimitsAsync(WorkflowService.WorkflowServiceClient workflows, IReadOnlyDictionary<string, int> seconds)
    {
        var current = await workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, Key(AdminKey));
        var json = JsonNode.Parse(current.Json)!;
        foreach (var (id, s) in seconds)
        {
            var timer = json["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == id)!.AsObject();
            timer["duration"] = new JsonObject
            {
                ["typeName"] = "TimeSpan",
                ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = TimeSpan.FromSeconds(s).ToString("d\\.hh\\:mm\\:ss") },
            };
        }
        await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = json.ToJsonString() }, Key(AdminKey));
        var published = await workflows.PublishWorkflowDefinitionAsync(new PublishWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, Key(AdminKey));
        Assert.That(published.Version, Is.GreaterThan(current.Version), "the shortened limits are in force");
    }
}
