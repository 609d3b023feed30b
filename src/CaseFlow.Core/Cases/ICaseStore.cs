using CaseFlow.Core.Errors;

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

    /// <summary>
    /// Committed events after a position, in commit order, for watchers; filters as in <see cref="EventQuery"/>.
    /// Only events no later commit can precede are returned, so a reader that moves its position to the last one
    /// it was given never skips an event that commits afterwards.
    /// </summary>
    Task<IReadOnlyList<PositionedEvent>> EventsAfterAsync(EventQuery query, EventPosition after, int max, CancellationToken ct);

    Task<PositionedEvent?> FindEventAsync(long id, CancellationToken ct);

    /// <summary>The position after every event committed so far (<see cref="EventPosition.Start"/> when there is none): "from now on" for a new watcher.</summary>
    Task<EventPosition> LatestEventPositionAsync(CancellationToken ct);

    /// <summary>Records the phone as habitual and marks every case from it; returns how many cases were marked.</summary>
    Task<int> FlagHabitualAsync(string phone, string reason, string flaggedBy, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// The case's events in the order they happened, each with the position a watcher resumes from to receive what
    /// follows it. Where an event is not yet final in the commit order (an older transaction is still running),
    /// its position is the one just before that transaction: resuming there may repeat the event, never skips one.
    /// </summary>
    Task<IReadOnlyList<PositionedEvent>> HistoryAsync(string number, CancellationToken ct);
}

/// <summary>The abuse-control cap: at most this many complaints from one phone number since the day started (IST).</summary>
public sealed record ComplaintCap(int MaxPerDay, DateTimeOffset DayStart)
{
    /// <summary>The store counts the phone's complaints since <see cref="DayStart"/>; this rule decides and words the refusal.</summary>
    public void Check(int registeredToday)
    {
        if (registeredToday >= MaxPerDay)
            throw new CaseFlowException(ErrorKind.ResourceExhausted, "DAILY_COMPLAINT_CAP",
                $"This phone number has already registered {registeredToday} complaints today; at most {MaxPerDay} a day are accepted from one number. Please add to an existing complaint instead.",
                metadata: new Dictionary<string, string> { ["limit"] = MaxPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}

/// <summary>
/// An event's place in the order events became final. Where one writer commits, ids already are that order and
/// <see cref="Commit"/> is 0; where several replicas commit side by side, an id is drawn before its transaction
/// commits, so events are ordered by the transaction that wrote them first (<see cref="Commit"/>), then by id.
/// </summary>
public readonly record struct EventPosition(long Commit, long Id) : IComparable<EventPosition>
{
    public static readonly EventPosition Start = new(0, 0);

    public int CompareTo(EventPosition other) => Commit != other.Commit ? Commit.CompareTo(other.Commit) : Id.CompareTo(other.Id);
}

public sealed record PositionedEvent(CaseEvent Event, EventPosition Position);

public sealed record EventQuery(string? Department, IReadOnlySet<string>? AllowedDepartments, IReadOnlySet<CaseEventType>? Types);
