using System.Text.Json;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Workflows;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Hosting;

/// <summary>
/// What this replica can honestly say about itself, refreshed every <see cref="HealthOptions.ProbeInterval"/>:
/// whether the database takes a commit (a real write through the writer, not a ping), how many requests wait
/// for the writer, and how far the oldest due timer is behind the business clock. grpc.health.v1 and /healthz
/// report NOT_SERVING / 503 with the reason when any of them is wrong, so a load balancer sends work elsewhere.
/// </summary>
public sealed class HealthMonitor(CaseWriter writer, EfWorkflowStore timers, TimeProvider time, IOptions<CaseFlowOptions> options,
    CaseFlow.Server.Telemetry.CaseFlowMetrics metrics,
    ILogger<HealthMonitor> log) : BackgroundService
{
    private readonly HealthOptions _options = options.Value.Health;
    private readonly string _replica = options.Value.ResolvedEngineId;
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly SemaphoreSlim _probing = new(1, 1);
    private volatile Snapshot? _last;

    /// <param name="DatabaseProblem">Why the last probe did not commit; null when it did.</param>
    /// <param name="TimerLag">How far the oldest due timer is behind the clock (zero when none is due); null when unknown.</param>
    public sealed record Snapshot(DateTime CheckedAtUtc, string? DatabaseProblem, TimeSpan ProbeLatency, int WriterQueue, TimeSpan? TimerLag);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await ProbeAsync(stoppingToken);
            try { await Task.Delay(_options.ProbeInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>The last probe, or a new one when that is older than two intervals (the service is starting, or stuck).</summary>
    public async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        var last = _last;
        if (last is not null && DateTime.UtcNow - last.CheckedAtUtc < 2 * _options.ProbeInterval)
            return last;
        return await ProbeAsync(ct);
    }

    private async Task<Snapshot> ProbeAsync(CancellationToken ct)
    {
        await _probing.WaitAsync(ct);
        try
        {
            // Another caller probed while this one waited: its answer is fresh.
            if (_last is { } fresh && DateTime.UtcNow - fresh.CheckedAtUtc < _options.ProbeInterval / 2)
                return fresh;
            var started = DateTime.UtcNow;
            string? problem = null;
            TimeSpan? lag = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(_options.ProbeTimeout);
                await writer.ProbeAsync(_replica, _startedAt, time.GetUtcNow(), timeout.Token);
                var due = await timers.NextDueAtAsync(timeout.Token);
                var now = time.GetUtcNow();
                lag = due is { } d && d < now ? now - d : TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                problem = $"no commit within {_options.ProbeTimeout.TotalSeconds:0.#} s ({writer.QueueDepth} requests waiting for the writer)";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problem = DatabaseFailures.IsUnavailable(e) ? DatabaseFailures.Describe(e) : e.Message;
            }
            var snapshot = new Snapshot(DateTime.UtcNow, problem, DateTime.UtcNow - started, writer.QueueDepth, lag);
            metrics.TimerLag(lag);
            if ((problem is null) != (_last?.DatabaseProblem is null) || _last is null)
            {
                if (problem is null) log.LogInformation("Health: the database takes commits ({Latency:0} ms)", snapshot.ProbeLatency.TotalMilliseconds);
                else log.LogError("Health: NOT SERVING, the database does not take commits: {Problem}", problem);
            }
            _last = snapshot;
            return snapshot;
        }
        finally
        {
            _probing.Release();
        }
    }

    /// <summary>The probe's write reached the database and committed.</summary>
    public sealed class DatabaseCheck(HealthMonitor monitor) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var s = await monitor.CurrentAsync(ct);
            var data = new Dictionary<string, object> { ["replica"] = monitor._replica, ["probe_ms"] = Math.Round(s.ProbeLatency.TotalMilliseconds, 1) };
            return s.DatabaseProblem is null
                ? HealthCheckResult.Healthy("the database takes commits", data)
                : HealthCheckResult.Unhealthy($"the database does not take commits: {s.DatabaseProblem}", data: data);
        }
    }

    /// <summary>The writer keeps up: its queue is below the configured bound.</summary>
    public sealed class WriterCheck(HealthMonitor monitor) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var s = await monitor.CurrentAsync(ct);
            var depth = s.WriterQueue;
            var data = new Dictionary<string, object> { ["queue_depth"] = depth };
            return depth <= monitor._options.MaxWriterQueue
                ? HealthCheckResult.Healthy($"{depth} requests waiting for the writer", data)
                : HealthCheckResult.Unhealthy($"{depth} requests waiting for the writer, more than {monitor._options.MaxWriterQueue}", data: data);
        }
    }

    /// <summary>Due timers (SLA limits, warnings, the weekly cron) are being fired: the oldest is not far behind.</summary>
    public sealed class TimersCheck(HealthMonitor monitor) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var s = await monitor.CurrentAsync(ct);
            if (s.TimerLag is not { } lag)
                return HealthCheckResult.Unhealthy("timer lag unknown: the database cannot be read");
            var data = new Dictionary<string, object> { ["lag_seconds"] = Math.Round(lag.TotalSeconds, 1) };
            return lag <= monitor._options.MaxTimerLag
                ? HealthCheckResult.Healthy($"the oldest due timer is {lag.TotalSeconds:0} s behind", data)
                : HealthCheckResult.Unhealthy($"the oldest due timer is {lag.TotalSeconds:0} s behind, more than {monitor._options.MaxTimerLag.TotalSeconds:0} s", data: data);
        }
    }

    /// <summary>/healthz: the overall status and each check's verdict and numbers, as JSON.</summary>
    public static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status == HealthStatus.Healthy ? "SERVING" : "NOT_SERVING",
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
