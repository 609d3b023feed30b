namespace CaseFlow.Core.Cases;

/// <summary>
/// Durable case storage. Every method that changes something has committed it when its task completes,
/// and appends the case's event in the same transaction.
/// </summary>
public interface ICaseStore
{
    /// <summary>
    /// Stores a new case, numbering it "{numberPrefix}-{next in that series:D6}". For a request key seen
    /// before with the same fingerprint, returns the case that request created and stores nothing.
    /// </summary>
    /// <remarks>
    /// Refuses with RESOURCE_EXHAUSTED when the complainant's phone already registered
    /// <see cref="ComplaintCap.MaxPerDay"/> complaints since the cap's day start, and marks the case
    /// <see cref="Case.Habitual"/> when the phone is on the habitual-complainant list.
    /// </remarks>
    Task<Case> CreateAsync(Case draft, string numberPrefix, RequestKey? key, CaseEvent registered, ComplaintCap cap, CancellationToken ct);

    Task<Case?> FindAsync(string number, CancellationToken ct);

    Task<CasePage> ListAsync(CaseQuery query, CancellationToken ct);

    /// <summary>
    /// Applies <paramref name="change"/> to the current case and stores the result with the event it
    /// returns (one or more). The change validates first and mutates only when it will succeed; a
    /// <see cref="Errors.CaseFlowException"/> from it stores nothing. A repeated request key returns the
    /// case as it is without applying the change again.
    /// </summary>
    Task<Case> UpdateAsync(string number, RequestKey? key, Func<Case, IReadOnlyList<CaseEvent>> change, CancellationToken ct);

    /// <summary>Events after an event id, oldest first, for watchers; filters as in <see cref="EventQuery"/>.</summary>
    Task<IReadOnlyList<CaseEvent>> EventsAfterAsync(EventQuery query, long afterId, int max, CancellationToken ct);

    Task<CaseEvent?> FindEventAsync(long id, CancellationToken ct);

    /// <summary>The id of the newest event, 0 when there is none: "from now on" for a new watcher.</summary>
    Task<long> LatestEventIdAsync(CancellationToken ct);

    /// <summary>Records the phone as habitual and marks every case from it; returns how many cases were marked.</summary>
    Task<int> FlagHabitualAsync(string phone, string reason, string flaggedBy, DateTimeOffset now, CancellationToken ct);

    /// <summary>The case's events in the order they happened.</summary>
    Task<IReadOnlyList<CaseEvent>> HistoryAsync(string number, CancellationToken ct);
}

/// <summary>The abuse-control cap: at most this many complaints from one phone number since the day started (IST).</summary>
public sealed record ComplaintCap(int MaxPerDay, DateTimeOffset DayStart);

public sealed record EventQuery(string? Department, IReadOnlySet<string>? AllowedDepartments, IReadOnlySet<CaseEventType>? Types);
