using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// A case as it stood at one moment (the end of a ranking period), in the few fields rankings and recurring
/// detection read. Built by <see cref="CaseHistory.AsOf"/> from the case's append-only events, so the same
/// moment always gives the same fact however the case has moved on since.
/// </summary>
public readonly record struct CaseFact(
    string Number,
    string Department,
    string District,
    string Category,
    CaseStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActionAt,
    /// <summary>The latest resolution.</summary>
    DateTimeOffset? ResolvedAt,
    /// <summary>When it was closed (in any way), while it is closed.</summary>
    DateTimeOffset? ClosedAt,
    /// <summary>The complainant's latest answer.</summary>
    bool? Satisfied,
    /// <summary>The follow-ups on the latest resolution ran out unanswered (it ranks as not satisfied).</summary>
    DateTimeOffset? UnansweredAt,
    /// <summary>The latest "not satisfied" answer, which reopened the case.</summary>
    DateTimeOffset? NotSatisfiedAt,
    int ReopenCount,
    /// <summary>A special close waits for the nodal agency's review.</summary>
    bool SpecialCloseUnderReview,
    bool Habitual,
    /// <summary>The first time limit it missed at any level (since it came to its current department).</summary>
    DateTimeOffset? FirstBreachAt,
    int Level,
    /// <summary>On the Chief Secretary's review list (breached at L4, not sent back).</summary>
    bool ChiefSecretaryReview);

/// <summary>What of a case does not change with time, or is read from the case as it is now.</summary>
/// <param name="Sampled">Its special close, if any, was sampled for review (decided once, at approval).</param>
public readonly record struct CaseRecord(string Number, string District, string Category, DateTimeOffset CreatedAt, bool Habitual, bool Sampled)
{
    public static CaseRecord Of(Case c) => new(c.Number, c.District, c.Category, c.CreatedAt, c.Habitual, IsSampled(c.SpecialCloseReview));

    /// <summary>A special close in one of these review states was sampled for review.</summary>
    public static bool IsSampled(SpecialCloseReview review) => review is not (SpecialCloseReview.None or SpecialCloseReview.NotSampled);
}

/// <summary>
/// Replays a case's history up to a moment. Every event carries the status and last action the change left
/// (<see cref="CaseEvent.Of"/>), so the replay restates no transition rule: it only reads what happened when
/// (<see cref="CaseReplay.Apply"/>).
/// </summary>
public static class CaseHistory
{
    /// <param name="events">The case's events in the order they were recorded; from the first at or after <paramref name="end"/> on, they are ignored.</param>
    public static CaseFact AsOf(CaseRecord c, IEnumerable<CaseEvent> events, DateTimeOffset end) => Fold(events, end).Fact(c);

    /// <inheritdoc cref="AsOf"/>
    public static CaseReplay Fold(IEnumerable<CaseEvent> events, DateTimeOffset end)
    {
        var replay = CaseReplay.Start;
        foreach (var e in events)
        {
            if (e.At >= end) break;
            replay = replay.Apply(e);
        }
        return replay;
    }
}

/// <summary>
/// A ranking period [From, To): whole days in India Standard Time. Weekly reviews run Monday to Sunday.
/// </summary>
public sealed record RankingPeriod(DateTimeOffset From, DateTimeOffset To)
{
    public static RankingPeriod WeekBefore(DateTimeOffset now)
    {
        var ist = IndiaTime.ToIst(now);
        var monday = new DateTimeOffset(ist.Date, IndiaTime.Offset).AddDays(-(((int)ist.DayOfWeek + 6) % 7));
        return new RankingPeriod(monday.AddDays(-7), monday);
    }

    /// <summary>The first and last day of the period, in IST (the last is the day before <see cref="To"/>).</summary>
    public (DateOnly First, DateOnly Last) Days => (DateOnly.FromDateTime(IndiaTime.ToIst(From).DateTime), DateOnly.FromDateTime(IndiaTime.ToIst(To.AddTicks(-1)).DateTime));

    /// <summary>The period of the same length just before this one (the baseline of recurring detection).</summary>
    public RankingPeriod Before(int count = 1) => new(From - count * (To - From), From - (count - 1) * (To - From));

    public void Validate()
    {
        if (To <= From)
            throw Errors.CaseFlowException.Invalid("period", "the end must be after the start");
        if (To - From > TimeSpan.FromDays(366))
            throw Errors.CaseFlowException.Invalid("period", "a ranking period is at most a year");
    }
}
