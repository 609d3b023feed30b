namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// One round of the host's timer loop: fire what is due, then say how long to sleep (until the next due time
/// or the poll interval, whichever is sooner). The host owns the loop itself (its spans, metrics, error
/// handling and real-time polling); the poll interval bounds how late a timer created by another process
/// (which this one cannot see coming) may fire.
/// </summary>
public sealed class WorkflowTimerPump(WorkflowEngine engine, Persistence.IBookmarkStore bookmarks, TimeProvider time)
{
    private long _fired;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
    public int BatchSize { get; init; } = 100;

    /// <summary>Timers fired so far (for health endpoints).</summary>
    public long Fired => Interlocked.Read(ref _fired);

    /// <summary>
    /// Batches worked on at once. With two, one batch's steps are worked out while the other's are being written:
    /// the work is CPU on one side and the single writer on the other, so they overlap instead of taking turns.
    /// </summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>Fires everything due now and returns how long to sleep before the next round.</summary>
    public async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken = default) => (await RunRoundAsync(cancellationToken)).Sleep;

    /// <summary>Fires everything due now; says how long to sleep and the instant on the business clock the sleep ends at.</summary>
    public async Task<TimerRound> RunRoundAsync(CancellationToken cancellationToken = default)
    {
        // The first worker starts inline, so with a store that completes synchronously a round fires before it yields.
        async Task Worker() => Interlocked.Add(ref _fired, await engine.FireAllDueTimersAsync(BatchSize, cancellationToken));
        var first = Worker();
        var others = Enumerable.Range(1, Math.Max(0, Parallelism - 1)).Select(_ => Task.Run(Worker, cancellationToken));
        await Task.WhenAll([first, .. others]);
        var now = time.GetUtcNow();
        var next = await bookmarks.NextDueAtAsync(cancellationToken);
        var sleep = next is { } due && due - now < PollInterval ? due - now : PollInterval;
        // Rows still due here either fell due while this round ran (the clock moved on) or are leased by
        // another engine: look again shortly rather than spin, or wait out a whole poll.
        if (sleep <= TimeSpan.Zero) sleep = TimeSpan.FromMilliseconds(Math.Min(100, PollInterval.TotalMilliseconds));
        return new TimerRound(sleep, now + sleep);
    }

    /// <summary>
    /// Sleeps until the round's wake-up instant on the business clock, or for <paramref name="poll"/> of real time, whichever
    /// comes first. The clock may have been set forward since the round read it, and a delay counts from when it is armed: armed
    /// for the round's whole sleep after such a jump, it waited out the real-time poll instead (the escalation benchmark's sweep
    /// started 5.2 s late once). So the wait is armed for the time left until the instant, and skipped once the instant has passed.
    /// </summary>
    public async Task WaitAsync(TimerRound round, TimeSpan poll, CancellationToken cancellationToken)
    {
        var left = round.WakeAt - time.GetUtcNow();
        if (left <= TimeSpan.Zero) return;
        using var armed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var onClock = Task.Delay(left, time, armed.Token);
        // Checked again after arming: a jump between reading the clock and arming the delay is not seen by the delay.
        if (time.GetUtcNow() < round.WakeAt)
            await Task.WhenAny(onClock, Task.Delay(poll, armed.Token));
        armed.Cancel();
    }
}

/// <summary>One round's outcome: how long to sleep, and the business-clock instant that sleep ends at.</summary>
public readonly record struct TimerRound(TimeSpan Sleep, DateTimeOffset WakeAt);
