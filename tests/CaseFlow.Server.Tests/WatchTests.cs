using CaseFlow.Server.Hosting;
using CaseFlow.Api.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>WatchCaseEvents: resumable, exactly once, filtered, with heartbeats.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class WatchTests(DatabaseProvider provider)
{
    private CaseFlowHost _host = null!;
    private CaseService.CaseServiceClient _cases = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await CaseFlowHost.StartAsync(settings: new Dictionary<string, string?> { ["CaseFlow:Watch:HeartbeatInterval"] = "00:00:00.300" }, provider: provider);
        _cases = new CaseService.CaseServiceClient(_host.Channel);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task A_watcher_that_disconnects_and_resumes_misses_nothing_and_sees_nothing_twice()
    {
        using var firstCts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = _cases.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/drinking-water", EventTypes = { "Registered" } },
            _host.As(WaterKey, firstCts.Token));
        // A stream without a token starts at the newest event when the server takes the call; the first
        // heartbeat proves that has happened, so every case created after it must arrive.
        while (await first.ResponseStream.MoveNext(firstCts.Token) && first.ResponseStream.Current.Heartbeat is null) { }
        var created = new List<string>();
        for (var i = 0; i < 10; i++)
            created.Add((await _cases.CreateCaseAsync(Requests.NewCase(category: "water-quality"), _host.As(PortalKey))).Name);

        var seen = new List<string>();
        string token = "";
        while (seen.Count < 4 && await first.ResponseStream.MoveNext(firstCts.Token))
        {
            if (first.ResponseStream.Current.Event is { } e)
            {
                seen.Add(e.Case);
                token = e.ResumeToken;
            }
        }
        firstCts.Cancel();
        first.Dispose();

        // Events keep coming while the watcher is away.
        for (var i = 0; i < 5; i++)
            created.Add((await _cases.CreateCaseAsync(Requests.NewCase(category: "water-quality"), _host.As(PortalKey))).Name);
        await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(PortalKey)); // another department: filtered out

        using var secondCts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var second = _cases.WatchCaseEvents(new WatchCaseEventsRequest
        {
            Parent = "departments/drinking-water", EventTypes = { "Registered" }, ResumeToken = token,
        }, _host.As(WaterKey, secondCts.Token));
        while (seen.Count < created.Count && await second.ResponseStream.MoveNext(secondCts.Token))
        {
            if (second.ResponseStream.Current.Event is { } e)
                seen.Add(e.Case);
        }

        Assert.That(seen, Is.EqualTo(created), "every event once, in order");
    }

    [Test]
    public async Task An_idle_stream_gets_heartbeats_and_filters_by_event_type()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = _cases.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/-", EventTypes = { "Resolved" } }, _host.As(EnergyKey, cts.Token));

        Assert.That(await watch.ResponseStream.MoveNext(cts.Token), Is.True);
        Assert.That(watch.ResponseStream.Current.KindCase, Is.EqualTo(WatchCaseEventsResponse.KindOneofCase.Heartbeat));
        Assert.That(watch.ResponseStream.Current.Heartbeat.ResumeToken, Is.Not.Empty);

        var c = await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(PortalKey));
        await _cases.ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Resolution = "Fuse replaced." }, _host.As(EnergyKey));
        CaseEvent? resolved = null;
        while (resolved is null && await watch.ResponseStream.MoveNext(cts.Token))
            resolved = watch.ResponseStream.Current.Event;

        Assert.That(resolved!.Type, Is.EqualTo("Resolved"));
        Assert.That(resolved.Case, Is.EqualTo(c.Name));
        Assert.That(resolved.ActorSystem, Is.EqualTo("energy-mis"));
    }

    [Test]
    public async Task A_department_system_cannot_watch_another_department_or_unknown_types()
    {
        using var watch = _cases.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/health" }, _host.As(EnergyKey));
        var e = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        using var typo = _cases.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/energy", EventTypes = { "Resolvd" } }, _host.As(EnergyKey));
        var t = await Assert.ThrowsAsync<RpcException>(() => typo.ResponseStream.MoveNext());
        Assert.That(Requests.Violations(t!), Does.ContainKey("event_types"));
    }

    [Test]
    public async Task A_token_older_than_the_resume_window_is_refused_with_failed_precondition()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock), provider: provider);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var c = await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), host.As(PortalKey));
        var history = await cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = c.Name }, host.As(EnergyKey));
        var token = history.Events[0].ResumeToken;

        clock.Advance(TimeSpan.FromDays(8));
        using var watch = cases.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/energy", ResumeToken = token }, host.As(EnergyKey));
        var e = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());

        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(Requests.Reason(e), Is.EqualTo("RESUME_TOKEN_EXPIRED"));
    }
}
