using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WorkflowCore.Interface;
using WorkflowCore.Models;

namespace CaseFlow.Benchmarks;

/// <summary>
/// Issue 3's benchmark (b): the same 4-level escalation flow on WorkflowCore 3.22 (NuGet), in-memory
/// persistence, its own host (<c>services.AddWorkflow()</c>), in this process, measured the same way as
/// <see cref="EscalationSweep"/>: N instances are started and their L1 limit armed; a warning fires at 75 %;
/// then all L1 limits fall due at one moment and the clock runs until every case is at L2.
/// <para>
/// The flow, as case-escalation.json has it: per level an SLA step that sets the due time, sleeps to the
/// warning (records it), sleeps to the limit and then re-reads the case (resolved or moved cases leave the
/// loop); on breach an Escalate step moves the case up (L3 also notifies the Head of Department); a breach at
/// L4 flags the case for the Chief Secretary's review. The "cases" are an in-memory board, so nothing is
/// written anywhere: WorkflowCore's in-memory provider keeps instances in a list in this process, no
/// serialization, no disk, and nothing survives a restart.
/// </para>
/// <para>
/// WorkflowCore runs on real time, so the L1 warning and limit are absolute moments a little after the
/// instances are set up (the time needed is estimated from a warm-up run on a throwaway host). Its poll
/// interval is set to 100 ms (default 10 s), so a due instance waits at most 0.1 s to be picked up;
/// MaxConcurrentWorkflows stays at its default (the core count).
/// </para>
/// </summary>
internal static class WorkflowCorePeer
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public sealed record Result(Measurement Setup, double ArmedPerSecond, Measurement Warnings, Measurement Sweep, bool Verified);

    public static async Task<Result> RunAsync(int count, int concurrency)
    {
        // Warm-up on a throwaway host: JIT, and a rate to size the real run's schedule by.
        var warm = await RunOnceAsync(Math.Min(count, 500), concurrency, armBudget: TimeSpan.FromSeconds(2), warnBudget: TimeSpan.FromSeconds(1.5));
        var armRate = Math.Max(1_000, warm.Setup.Count / (warm.ArmedSeconds));
        var warnRate = Math.Max(1_000, warm.Warnings.OpsPerSecond);
        // Three times what the warm-up rates need, plus a second: the phases must not overlap on a busy machine.
        var armBudget = TimeSpan.FromSeconds(1 + 3.0 * count / armRate);
        var warnBudget = TimeSpan.FromSeconds(1 + 3.0 * count / warnRate);
        var r = await RunOnceAsync(count, concurrency, armBudget, warnBudget);
        return new Result(r.Setup, r.Setup.Count / r.ArmedSeconds, r.Warnings, r.Sweep, r.Verified);
    }

    private sealed record Once(Measurement Setup, double ArmedSeconds, Measurement Warnings, Measurement Sweep, bool Verified);

    private static async Task<Once> RunOnceAsync(int count, int concurrency, TimeSpan armBudget, TimeSpan warnBudget)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflow(o => o.UsePollInterval(PollInterval));
        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<IWorkflowHost>();
        host.RegisterWorkflow<EscalationWorkflow, CaseData>();
        await host.StartAsync(CancellationToken.None);
        try
        {
            var load0 = MachineFacts.LoadAverage();
            var board = new CaseBoard(count);
            var start = DateTime.UtcNow;
            board.L1WarnAt = start + armBudget;
            board.L1DueAt = board.L1WarnAt + warnBudget;
            CaseBoard.Current = board;

            var setupWatch = Stopwatch.StartNew();
            var started = await Load.RunAsync("wfcore-setup", "memory", count, concurrency,
                i => host.StartWorkflow("case-escalation", 1, new CaseData { Case = i }));
            var startedAfter = setupWatch.Elapsed;
            var setupTimeout = DateTime.UtcNow + TimeSpan.FromMinutes(10);
            while (Volatile.Read(ref board.Armed) < count && DateTime.UtcNow < setupTimeout)
                await Task.Delay(10);
            var armedAfter = setupWatch.Elapsed;
            var armed = Volatile.Read(ref board.Armed);
            var setupOk = armed == count && DateTime.UtcNow <= board.L1WarnAt;
            var setup = started with
            {
                Note = $"StartWorkflow: {count:N0} instances in {startedAfter.TotalSeconds:F2} s = {count / startedAfter.TotalSeconds:N0} starts/s; " +
                       $"L1 armed (first SLA step run): {armed:N0} after {armedAfter.TotalSeconds:F2} s = {armed / armedAfter.TotalSeconds:N0} workflows/s" +
                       (setupOk ? "" : $"; VERIFY FAILED: {armed} of {count} armed, not all before the warning moment (the phases overlapped)") + $"; load {load0} → {MachineFacts.LoadAverage()}",
            };

            var warnings = await PhaseAsync(board, board.L1WarnAt, "wfcore-warnings", count, () => Volatile.Read(ref board.Warned),
                "warning sleeps woke (SLA step → warning recorded, sleep to the limit)", board.WarnedAt);
            var sweep = await PhaseAsync(board, board.L1DueAt, "wfcore-sweep", count, () => Volatile.Read(ref board.Escalated),
                "L1 limit woke → case re-read → Escalate → L2 SLA step armed (counted there)", board.EscalatedAt);
            var verify = board.Verify();
            return new Once(setup, armedAfter.TotalSeconds, warnings, sweep with { Note = $"{sweep.Note}; {verify}" },
                setupOk && !verify.StartsWith("VERIFY FAILED", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            CaseBoard.Current = null;
        }
    }

    /// <summary>Waits for the due moment, then until N are done; latencies are per instance, from the due moment.</summary>
    private static async Task<Measurement> PhaseAsync(CaseBoard board, DateTime dueAt, string scenario, int count, Func<long> done, string what,
        long[] at)
    {
        var wait = dueAt - DateTime.UtcNow;
        var early = done();
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var load0 = MachineFacts.LoadAverage();
        var timeout = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (done() < count && DateTime.UtcNow < timeout)
            await Task.Delay(5);
        var n = done();
        var latencies = at.Where(t => t != 0).Select(t => (t - dueAt.Ticks) / (double)TimeSpan.TicksPerMillisecond).Order().ToArray();
        var elapsed = latencies.Length == 0 ? double.NaN : latencies[^1] / 1000;
        double At(double q) => latencies[(int)Math.Round(q * (latencies.Length - 1))];
        var overlap = early > 0 ? $"; VERIFY FAILED: {early} done before the due moment (phases overlapped)" : "";
        return new Measurement(scenario, "memory", count, 1, n / elapsed, At(0.5), At(0.99), latencies[^1], elapsed, (int)(count - n),
            $"{what}; {n:N0} in {elapsed:F2} s from the due moment (includes up to {PollInterval.TotalMilliseconds:F0} ms poll latency); " +
            $"p50/p99/max = per-instance time from the due moment; load {load0} → {MachineFacts.LoadAverage()}{overlap}");
    }

    public sealed class CaseData
    {
        public int Case { get; set; }
        public int Level { get; set; } = 1;
        public bool Open { get; set; } = true;
        public bool Breached { get; set; }
        public DateTime DueAt { get; set; }
    }

    /// <summary>The cases: level, due time, warnings, flags; what CaseFlow keeps in its Cases table.</summary>
    public sealed class CaseBoard(int count)
    {
        public static CaseBoard? Current;

        public DateTime L1WarnAt;
        public DateTime L1DueAt;
        public readonly int[] Level = Enumerable.Repeat(1, count).ToArray();
        public readonly DateTime[] DueAt = new DateTime[count];
        public readonly bool[] Resolved = new bool[count];
        public readonly int[] Warnings = new int[count];
        public readonly int[] Escalations = new int[count];
        public readonly bool[] ChiefSecretaryReview = new bool[count];
        public readonly long[] WarnedAt = new long[count];
        public readonly long[] EscalatedAt = new long[count];
        public long Armed, Warned, Escalated, Notified;

        /// <summary>L1's limit is the benchmark's due moment; later levels' are far off (as 5 working days are).</summary>
        public (DateTime WarnAt, DateTime DueAt) Limit(int level, DateTime now) =>
            level == 1 ? (L1WarnAt, L1DueAt) : (now.AddHours(0.75), now.AddHours(1));

        public string Verify()
        {
            int atL2 = 0, once = 0, warnedOnce = 0;
            for (var i = 0; i < Level.Length; i++)
            {
                if (Level[i] == 2) atL2++;
                if (Escalations[i] == 1) once++;
                if (Warnings[i] == 1) warnedOnce++;
            }
            var ok = atL2 == Level.Length && once == Level.Length && warnedOnce == Level.Length;
            return (ok ? "verified: " : "VERIFY FAILED: ") + $"{atL2:N0} cases at L2, {once:N0} escalated exactly once, {warnedOnce:N0} warned exactly once";
        }
    }

    public sealed class EscalationWorkflow : IWorkflow<CaseData>
    {
        public string Id => "case-escalation";
        public int Version => 1;

        public void Build(IWorkflowBuilder<CaseData> builder) =>
            builder
                .StartWith<Start>()
                .While(d => d.Open)
                .Do(level => level
                    .StartWith<SlaTimer>()
                    .Then<Escalate>());
    }

    public sealed class Start : StepBody
    {
        public override ExecutionResult Run(IStepExecutionContext context) => ExecutionResult.Next();
    }

    /// <summary>The level's limit: set the due time, sleep to the warning, warn, sleep to the limit, re-read the case.</summary>
    public sealed class SlaTimer : StepBody
    {
        public override ExecutionResult Run(IStepExecutionContext context)
        {
            var data = (CaseData)context.Workflow.Data;
            var board = CaseBoard.Current!;
            var now = DateTime.UtcNow;
            switch (context.PersistenceData as string)
            {
                case null:
                    var (warnAt, dueAt) = board.Limit(data.Level, now);
                    data.DueAt = dueAt;
                    board.DueAt[data.Case] = dueAt;
                    if (data.Level == 1) Interlocked.Increment(ref board.Armed);
                    if (data.Level == 2)
                    {
                        // Counted here, when the L2 limit is armed: the point CaseFlow's escalation step commit reaches.
                        board.EscalatedAt[data.Case] = DateTime.UtcNow.Ticks;
                        Interlocked.Increment(ref board.Escalated);
                    }
                    return ExecutionResult.Sleep(Max(warnAt - now, TimeSpan.Zero), "warn");
                case "warn":
                    Interlocked.Increment(ref board.Warnings[data.Case]);
                    board.WarnedAt[data.Case] = DateTime.UtcNow.Ticks;
                    Interlocked.Increment(ref board.Warned);
                    return ExecutionResult.Sleep(Max(data.DueAt - now, TimeSpan.Zero), "due");
                default:
                    // As CaseFlow's SlaTimer: the case is the truth; a resolved or moved case leaves the loop.
                    var resolved = board.Resolved[data.Case] || board.Level[data.Case] != data.Level;
                    data.Breached = !resolved;
                    data.Open = !resolved;
                    return ExecutionResult.Next();
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }

    /// <summary>L1 → L2 → L3 (tell the HoD) → L4; a breach at L4 flags the case for the Chief Secretary.</summary>
    public sealed class Escalate : StepBody
    {
        public override ExecutionResult Run(IStepExecutionContext context)
        {
            var data = (CaseData)context.Workflow.Data;
            if (!data.Breached) return ExecutionResult.Next();
            var board = CaseBoard.Current!;
            if (data.Level < 4)
            {
                data.Level++;
                board.Level[data.Case] = data.Level;
                Interlocked.Increment(ref board.Escalations[data.Case]);
                if (data.Level == 3) Interlocked.Increment(ref board.Notified);
            }
            else
            {
                board.ChiefSecretaryReview[data.Case] = true;
            }
            data.Breached = false;
            return ExecutionResult.Next();
        }
    }
}
