using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Persistence;

/// <summary>Bookmark rows (event waits, timers, triggers). Rows are added and removed by
/// <see cref="IWorkflowInstanceStore.CommitAsync"/>; this interface reads, claims and manages triggers.</summary>
public interface IBookmarkStore
{
    ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string? correlationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="max"/> timer/trigger rows with <c>DueAt &lt;= now</c> that are unclaimed or
    /// whose lease has expired (<c>LeaseUntil &lt; now</c>), earliest first, setting owner and lease in the same
    /// statement (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>). A claimed row whose owner crashed becomes
    /// claimable again once its lease passes; a row is deleted only by the commit that consumes it.
    /// </summary>
    ValueTask<IReadOnlyList<Bookmark>> ClaimDueTimersAsync(DateTimeOffset now, int max, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease of the rows among <paramref name="bookmarkIds"/> this owner still holds.</summary>
    ValueTask RenewClaimsAsync(IReadOnlyList<string> bookmarkIds, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Makes every row this owner claimed claimable again at once; returns how many.</summary>
    ValueTask<int> ReleaseClaimsAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Drops a claim early (e.g. the instance is gone) so another engine need not wait for the lease.</summary>
    ValueTask DeleteAsync(IReadOnlyList<string> bookmarkIds, CancellationToken cancellationToken = default);

    /// <summary>Replaces every trigger row of a definition (publish, retract) in one transaction.</summary>
    ValueTask ReplaceTriggersAsync(string definitionId, IReadOnlyList<Bookmark> triggers, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<Bookmark>> ListTriggersAsync(string? definitionId = null, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<Bookmark>> ListForInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The earliest due time of any timer or trigger, so a timer service can sleep until then.</summary>
    ValueTask<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken = default);
}
