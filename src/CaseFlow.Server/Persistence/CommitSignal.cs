namespace CaseFlow.Server.Persistence;

/// <summary>
/// Fires at every commit of the writer. Watchers wait on <see cref="Next"/> instead of polling the table, and
/// depend on this small signal rather than on the writer itself.
/// </summary>
public sealed class CommitSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next commit; take it before reading, so a commit in between still wakes the reader.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Raise() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
