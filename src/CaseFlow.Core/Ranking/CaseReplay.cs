using System.Buffers.Binary;
using System.Text;
using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// A case's history folded event by event: everything a <see cref="CaseFact"/> needs that only the history can say.
/// It is the one reading of the history: <see cref="CaseHistory.AsOf"/> folds a case's events up to a moment, and
/// every case carries the fold of all its events so far (<see cref="Case.Replay"/>, advanced by
/// <see cref="CaseEvent.Of"/> as each event is made). A ranking takes a case's carried fold as its state at the
/// period's end when no event came at or after that end (<see cref="LastAt"/>), and replays only the others, so its
/// cost follows the cases that can count and the events since the period, not every event ever recorded.
/// </summary>
public sealed record CaseReplay
{
    public static readonly CaseReplay Start = new();

    /// <summary>The latest moment of any event folded in; the fold is the state at any end after it.</summary>
    public DateTimeOffset? LastAt { get; init; }
    public CaseStatus Status { get; init; } = CaseStatus.Registered;
    public string Department { get; init; } = "";
    public int Level { get; init; } = 1;
    /// <summary>Null until an event says; the case's registration time then stands in.</summary>
    public DateTimeOffset? LastActionAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset? UnansweredAt { get; init; }
    public DateTimeOffset? NotSatisfiedAt { get; init; }
    public DateTimeOffset? FirstBreachAt { get; init; }
    public bool? Satisfied { get; init; }
    public int ReopenCount { get; init; }
    /// <summary>A special close was approved and not yet upheld or reversed (under review only if it was sampled).</summary>
    public bool SpecialCloseApproved { get; init; }
    public bool ChiefSecretaryReview { get; init; }
    public CaseEventType? Previous { get; init; }

    /// <summary>
    /// Bookkeeping (a due time set, a warning, a notice sent) changes neither status nor last action: it is not part of
    /// the story a ranking reads, and folding it in would only make a later "not satisfied" hard to recognise.
    /// </summary>
    public static bool Counts(CaseEventType type) => type is not (CaseEventType.DueTimeSet or CaseEventType.WarningRaised or CaseEventType.NotificationSent);

    public CaseReplay Apply(CaseEvent e)
    {
        if (!Counts(e.Type)) return this;
        var status = e.Status ?? Status;
        var next = this with
        {
            LastAt = LastAt is { } last && last > e.At ? last : e.At,
            Status = status,
            Department = e.Department.Length > 0 ? e.Department : Department,
            Level = e.Level ?? Level,
            LastActionAt = e.LastActionAt ?? LastActionAt,
            // Closed from the moment it became terminal, while it stays so.
            ClosedAt = !status.IsTerminal() ? null : Status.IsTerminal() ? ClosedAt : e.At,
            Previous = e.Type,
        };
        return e.Type switch
        {
            CaseEventType.Resolved => next with { ResolvedAt = e.At, UnansweredAt = null },
            CaseEventType.FeedbackUnanswered => next with { UnansweredAt = e.At },
            CaseEventType.Closed => next with { Satisfied = true },
            // Feedback is recorded as the answer followed by its outcome; a reopening right after it is "not satisfied".
            CaseEventType.Reopened => Previous == CaseEventType.FeedbackRecorded
                ? next with { ReopenCount = ReopenCount + 1, Satisfied = false, NotSatisfiedAt = e.At }
                : next with { ReopenCount = ReopenCount + 1 },
            CaseEventType.SpecialCloseReversed => next with { ReopenCount = ReopenCount + 1, SpecialCloseApproved = false },
            CaseEventType.SpecialCloseApproved => next with { SpecialCloseApproved = true },
            CaseEventType.SpecialCloseUpheld => next with { SpecialCloseApproved = false },
            CaseEventType.LimitBreached => next with { FirstBreachAt = FirstBreachAt ?? e.At },
            CaseEventType.ChiefSecretaryReview => next with { ChiefSecretaryReview = true },
            CaseEventType.SentBack => next with { ChiefSecretaryReview = false },
            // The receiving department starts afresh at L1: the sender's missed limits are not held against it.
            CaseEventType.TransferApproved => next with { FirstBreachAt = null, ChiefSecretaryReview = false },
            _ => next,
        };
    }

    /// <summary>The case as this fold leaves it; what never changes with time comes from <paramref name="c"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public CaseFact Fact(in CaseRecord c) => new(c.Number, Department, c.District, c.Category, Status, c.CreatedAt, LastActionAt ?? c.CreatedAt,
        ResolvedAt, ClosedAt, Satisfied, Status == CaseStatus.Resolved ? UnansweredAt : null, NotSatisfiedAt, ReopenCount,
        SpecialCloseApproved && c.Sampled && Status == CaseStatus.SpecialClosed, c.Habitual, FirstBreachAt, Level,
        ChiefSecretaryReview && !Status.IsTerminal());

    private const byte FormatVersion = 1;

    /// <summary>
    /// A compact binary form for the case row: a ranking reads hundreds of thousands of these, so it is a few fixed
    /// fields and one string, not JSON. Times are UTC ticks.
    /// </summary>
    public byte[] Encode()
    {
        var department = Encoding.UTF8.GetBytes(Department);
        if (department.Length > byte.MaxValue)
            throw new InvalidOperationException($"A department id of {department.Length} bytes does not fit a case's history fold.");
        var bytes = new byte[1 + 2 + 8 * 7 + 1 + 1 + 4 + 1 + 2 + 1 + department.Length];
        var s = bytes.AsSpan();
        s[0] = FormatVersion;
        ushort present = 0;
        var at = 3;
        foreach (var (t, bit) in Times())
        {
            if (t is { } v) present |= (ushort)(1 << bit);
            BinaryPrimitives.WriteInt64LittleEndian(s[at..], t?.UtcTicks ?? 0);
            at += 8;
        }
        if (Satisfied is not null) present |= 1 << 7;
        if (Previous is not null) present |= 1 << 8;
        BinaryPrimitives.WriteUInt16LittleEndian(s[1..], present);
        s[at++] = (byte)Status;
        s[at++] = (byte)Level;
        BinaryPrimitives.WriteInt32LittleEndian(s[at..], ReopenCount);
        at += 4;
        s[at++] = (byte)((Satisfied == true ? 1 : 0) | (SpecialCloseApproved ? 2 : 0) | (ChiefSecretaryReview ? 4 : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(s[at..], (ushort)(Previous ?? 0));
        at += 2;
        s[at++] = (byte)department.Length;
        department.CopyTo(s[at..]);
        return bytes;
    }

    /// <param name="name">Turns the department's UTF-8 bytes into a string; a reader of many folds passes a cache, since a
    /// state has a handful of departments.</param>
    // A ranking decodes a fold per open case, once a week: compiled optimised at once, not first as slow tier-0 code.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static CaseReplay Decode(ReadOnlySpan<byte> s, Func<ReadOnlySpan<byte>, string>? name = null)
    {
        if (s.Length < 3 || s[0] != FormatVersion)
            throw new FormatException($"A case's stored history fold is not in format {FormatVersion}.");
        var present = BinaryPrimitives.ReadUInt16LittleEndian(s[1..]);
        DateTimeOffset? Time(ReadOnlySpan<byte> b, int i) =>
            (present & (1 << i)) != 0 ? new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(b[(3 + 8 * i)..]), TimeSpan.Zero) : null;
        var at = 3 + 8 * 7;
        var status = (CaseStatus)s[at++];
        var level = s[at++];
        var reopens = BinaryPrimitives.ReadInt32LittleEndian(s[at..]);
        at += 4;
        var flags = s[at++];
        var previous = BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);
        at += 2;
        var length = s[at++];
        return new CaseReplay
        {
            LastAt = Time(s, 0), LastActionAt = Time(s, 1), ResolvedAt = Time(s, 2), ClosedAt = Time(s, 3), UnansweredAt = Time(s, 4),
            NotSatisfiedAt = Time(s, 5), FirstBreachAt = Time(s, 6),
            Status = status, Level = level, ReopenCount = reopens,
            Satisfied = (present & (1 << 7)) != 0 ? (flags & 1) != 0 : null,
            SpecialCloseApproved = (flags & 2) != 0,
            ChiefSecretaryReview = (flags & 4) != 0,
            Previous = (present & (1 << 8)) != 0 ? (CaseEventType)previous : null,
            Department = name is null ? Encoding.UTF8.GetString(s.Slice(at, length)) : name(s.Slice(at, length)),
        };
    }

    private IEnumerable<(DateTimeOffset? Time, int Bit)> Times() =>
        [(LastAt, 0), (LastActionAt, 1), (ResolvedAt, 2), (ClosedAt, 3), (UnansweredAt, 4), (NotSatisfiedAt, 5), (FirstBreachAt, 6)];
}
