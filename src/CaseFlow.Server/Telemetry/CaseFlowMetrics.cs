using System.Diagnostics;
using System.Diagnostics.Metrics;
using CaseFlow.Core.Cases;

namespace CaseFlow.Server.Telemetry;

/// <summary>
/// CaseFlow's own meters and trace source, on the bottom floor so every room can record without knowing who
/// exports (Hosting wires OpenTelemetry: Prometheus on the HTTP port, OTLP when configured). Case counts are
/// recorded from the events a batch committed, never from intentions: a rolled-back batch counts nothing, and a
/// timer step that another replica also tried counts once.
/// </summary>
public sealed class CaseFlowMetrics
{
    public const string Name = "CaseFlow";

    /// <summary>Spans for a writer batch and a timer sweep; gRPC server spans come from ASP.NET Core's instrumentation.</summary>
    public static readonly ActivitySource Traces = new(Name);

    private readonly Counter<long> _registered;
    private readonly Counter<long> _escalations;
    private readonly Counter<long> _warnings;
    private readonly Counter<long> _breaches;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitSeconds;
    private readonly Counter<long> _timersFired;
    private Func<int>? _queueDepth;
    private double? _timerLagSeconds;

    public CaseFlowMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _registered = meter.CreateCounter<long>("caseflow.cases.registered", "{case}", "Cases registered, by department");
        _escalations = meter.CreateCounter<long>("caseflow.cases.escalations", "{escalation}",
            "Escalations, by department, the level reached and the cause (breach: a limit ran out; manual: EscalateCase)");
        _warnings = meter.CreateCounter<long>("caseflow.cases.warnings", "{warning}", "Warnings before a limit runs out, by department and level");
        _breaches = meter.CreateCounter<long>("caseflow.cases.breaches", "{breach}", "Limits that ran out, by department and the level whose limit it was");
        _timersFired = meter.CreateCounter<long>("caseflow.timers.fired", "{timer}", "Due timers a sweep of this replica claimed and ran");
        _batchSize = meter.CreateHistogram<int>("caseflow.writer.batch.size", "{request}", "Requests committed together in one writer transaction",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        _commitSeconds = meter.CreateHistogram<double>("caseflow.writer.commit.duration", "s", "One writer batch, from its first statement to COMMIT",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        meter.CreateObservableGauge("caseflow.writer.queue.length", () => _queueDepth?.Invoke() ?? 0, "{request}", "Requests waiting for the writer");
        meter.CreateObservableGauge("caseflow.timers.lag", ObserveTimerLag, "s",
            "How far the oldest due timer is behind the clock, as the health probe last measured it");
    }

    /// <summary>Set once by the writer: the queue gauge reads it on each scrape.</summary>
    public void ObserveQueue(Func<int> depth) => _queueDepth = depth;

    public void TimerLag(TimeSpan? lag) => _timerLagSeconds = lag?.TotalSeconds;

    public void TimersFired(int count)
    {
        if (count > 0) _timersFired.Add(count);
    }

    public void BatchCommitted(int requests, TimeSpan took)
    {
        _batchSize.Record(requests);
        _commitSeconds.Record(took.TotalSeconds);
    }

    /// <summary>The case events one transaction committed.</summary>
    public void Committed(IEnumerable<CaseEvent> events)
    {
        foreach (var e in events)
        {
            var department = new KeyValuePair<string, object?>("department", e.Department);
            var level = new KeyValuePair<string, object?>("level", e.Level is { } l ? $"L{l}" : "unknown");
            switch (e.Type)
            {
                case CaseEventType.Registered:
                    _registered.Add(1, department);
                    break;
                case CaseEventType.Escalated:
                    _escalations.Add(1, department, level,
                        new KeyValuePair<string, object?>("cause", e.ActorSystem == CaseService.WorkflowActor ? "breach" : "manual"));
                    break;
                case CaseEventType.WarningRaised:
                    _warnings.Add(1, department, level);
                    break;
                case CaseEventType.LimitBreached:
                    _breaches.Add(1, department, level);
                    break;
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveTimerLag()
    {
        if (_timerLagSeconds is { } lag) yield return new Measurement<double>(lag);
    }
}
