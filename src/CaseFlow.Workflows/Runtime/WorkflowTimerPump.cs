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
    public async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken = default)
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
        return sleep <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(Math.Min(100, PollInterval.TotalMilliseconds)) : sleep;
    }
}
