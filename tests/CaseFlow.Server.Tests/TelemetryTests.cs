using System.Globalization;
using System.Text.RegularExpressions;
using CaseFlow.Api.V1;
using CaseFlow.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>The Prometheus endpoint as a scraper reads it: counts of what was committed, by department and level.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed partial class TelemetryTests(DatabaseProvider provider)
{
    // Friday 6 November 2026, 10:00 IST; the shipped L1 limit is 7 working days (18 November 10:00 IST).
    private static readonly DateTimeOffset Registered = new(2026, 11, 6, 4, 30, 0, TimeSpan.Zero);

    [Test]
    public async Task The_scrape_counts_registrations_warnings_breaches_and_escalations_by_department_and_level()
    {
        var clock = new FakeTimeProvider(Registered);
        await using var host = await StartAsync(s => s.AddSingleton<TimeProvider>(clock),
            settings: new Dictionary<string, string?> { ["CaseFlow:Workflows:TimerPoll"] = "00:00:00.200" }, provider: provider);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") };
        var before = await ScrapeAsync(http);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var created = new List<Case>();
        for (var i = 0; i < 3; i++)
            created.Add(await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), host.As(PortalKey)));
        created.Add(await cases.CreateCaseAsync(Requests.NewCase(category: "water-supply", district: "haridwar"), host.As(PortalKey)));

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 18, 4, 31, 0, TimeSpan.Zero)); // past the L1 limit (and its warning)
        foreach (var c in created)
            await Eventually.Until(() => cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, host.As(PortalKey)).ResponseAsync,
                r => r.Level == Level.L2, $"{c.Number} at L2", seconds: 30);

        // A sweep round reports the timers it ran when the round ends, a moment after its steps committed.
        var after = await Eventually.Until(() => ScrapeAsync(http),
            a => a.GetValueOrDefault("caseflow_timers_fired_total") - before.GetValueOrDefault("caseflow_timers_fired_total") >= 8, "the sweep round's count", seconds: 30);
        double Delta(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
        Assert.Multiple(() =>
        {
            Assert.That(Delta("caseflow_cases_registered_total{department=\"energy\"}"), Is.EqualTo(3));
            Assert.That(Delta("caseflow_cases_registered_total{department=\"drinking-water\"}"), Is.EqualTo(1));
            Assert.That(Delta("caseflow_cases_warnings_total{department=\"energy\",level=\"L1\"}"), Is.EqualTo(3));
            Assert.That(Delta("caseflow_cases_breaches_total{department=\"energy\",level=\"L1\"}"), Is.EqualTo(3));
            Assert.That(Delta("caseflow_cases_escalations_total{cause=\"breach\",department=\"energy\",level=\"L2\"}"), Is.EqualTo(3));
            Assert.That(Delta("caseflow_cases_escalations_total{cause=\"breach\",department=\"drinking-water\",level=\"L2\"}"), Is.EqualTo(1));
            Assert.That(Delta("caseflow_writer_batch_size_count"), Is.GreaterThanOrEqualTo(5), "each registration and each timer step committed");
            Assert.That(Delta("caseflow_writer_commit_duration_seconds_count"), Is.EqualTo(Delta("caseflow_writer_batch_size_count")));
            Assert.That(Delta("caseflow_timers_fired_total"), Is.GreaterThanOrEqualTo(8), "four warnings and four breaches");
            Assert.That(after.Keys, Has.Some.StartsWith("caseflow_timers_lag_seconds"), "the lag the health probe measured");
            Assert.That(after.Keys, Has.Some.StartsWith("caseflow_writer_queue_length"));
            Assert.That(after.Keys, Has.Some.StartsWith("http_server_request_duration_seconds_count"), "ASP.NET Core's request metrics, gRPC calls included");
        });
    }

    [Test]
    public async Task The_scrape_endpoint_is_on_the_HTTP_port_only_and_can_be_turned_off()
    {
        await using (var host = await StartAsync(provider: provider))
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") })
        using (var response = await http.GetAsync("/metrics"))
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain").Or.EqualTo("application/openmetrics-text"));
        await using (var host = await StartAsync(settings: new Dictionary<string, string?> { ["CaseFlow:Telemetry:Prometheus"] = "false" }, provider: provider))
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") })
        using (var response = await http.GetAsync("/metrics"))
            Assert.That((int)response.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task A_scrape_reports_its_own_server_only_when_two_share_a_process()
    {
        // .NET meter listeners see every meter in the process; a host must still count only its own.
        await using var busy = await StartAsync(provider: provider);
        await using var quiet = await StartAsync(provider: provider);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{quiet.HttpPort}") };
        var cases = new CaseService.CaseServiceClient(busy.Channel);
        for (var i = 0; i < 3; i++)
            await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), busy.As(PortalKey));
        using var busyHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{busy.HttpPort}") };
        var counted = await Eventually.Until(() => ScrapeAsync(busyHttp),
            s => s.GetValueOrDefault("caseflow_cases_registered_total{department=\"energy\"}") >= 3, "the busy server's own count", seconds: 30);
        var other = await ScrapeAsync(http);
        Assert.That(other.Keys.Where(k => k.StartsWith("caseflow_cases_registered", StringComparison.Ordinal)), Is.Empty,
            $"the quiet server reported the busy one's registrations (busy: {counted.GetValueOrDefault("caseflow_cases_registered_total{department=\"energy\"}")})");
    }

    /// <summary>Every sample of the text exposition format, keyed by its series (name and labels, "le" and all).</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var m = Sample().Match(line);
            if (!m.Success) continue;
            // The exporter adds otel_scope_* labels; the series is named here by its own labels only.
            var labels = Regex.Matches(m.Groups["labels"].Value, "(?<k>[a-zA-Z_]+)=\"(?<v>[^\"]*)\"")
                .Where(l => !l.Groups["k"].Value.StartsWith("otel_", StringComparison.Ordinal))
                .Select(l => $"{l.Groups["k"].Value}=\"{l.Groups["v"].Value}\"").Order(StringComparer.Ordinal).ToList();
            var key = labels.Count == 0 ? m.Groups["name"].Value : $"{m.Groups["name"].Value}{{{string.Join(",", labels)}}}";
            samples[key] = samples.GetValueOrDefault(key) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>[^\s]+)")]
    private static partial Regex Sample();
}
