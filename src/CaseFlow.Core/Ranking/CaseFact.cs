using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// A case as it stood at one moment (the end of a ranking period), in the few fields rankings and recurring
/// detection read. Built by <see cref="CaseHistory.AsOf"/> from the case's append-only events, so the same
/// moment always gives the same fact however the case has moved on since.
/// </summary>
public sealed record CaseFact(
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
public sealed record CaseRecord(string Number, string District, string Category, DateTimeOffset CreatedAt, bool Habitual, bool Sampled)
{
    public static CaseRecord Of(Case c) => new(c.Number, c.District, c.Category, c.CreatedAt, c.Habitual,
        c.SpecialCloseReview is not (SpecialCloseReview.None or SpecialCloseReview.NotSampled));
}

/// <summary>
/// Replays a case's history up to a moment. Every event carries the status and last action the change left
/// (<see cref="CaseEvent.Of"/>), so the replay restates no transition rule: it only reads what happened when.
/// </summary>
public static class CaseHistory
{
    /// <param name="events">The case's events in the order they were recorded; those at or after <paramref name="end"/> are ignored.</param>
    public static CaseFact AsOf(CaseRecord c, IEnumerable<CaseEvent> events, DateTimeOffset end)
    {
        var status = CaseStatus.Registered;
        var department = "";
        var lastAction = c.CreatedAt;
        DateTimeOffset? resolved = null, closed = null, unanswered = null, notSatisfied = null, firstBreach = null;
        bool? satisfied = null;
        int reopens = 0, level = 1;
        bool csReview = false, underReview = false;
        CaseEventType? previous = null;
        foreach (var e in events)
        {
            if (e.At >= end) break;
            var before = status;
            status = e.Status ?? status;
            if (e.Department.Length > 0) department = e.Department;
            level = e.Level ?? level;
            lastAction = e.LastActionAt ?? lastAction;
            switch (e.Type)
            {
                case CaseEventType.Resolved:
                    resolved = e.At;
                    unanswered = null;
                    break;
                case CaseEventType.FeedbackUnanswered:
                    unanswered = e.At;
                    break;
                case CaseEventType.Closed:
                    satisfied = true;
                    break;
                case CaseEventType.Reopened:
                    reopens++;
                    // Feedback is recorded as the answer followed by its outcome; a reopening right after it is "not satisfied".
                    if (previous == CaseEventType.FeedbackRecorded)
                    {
                        satisfied = false;
                        notSatisfied = e.At;
                    }
                    break;
                case CaseEventType.SpecialCloseReversed:
                    reopens++;
                    underReview = false;
                    break;
                case CaseEventType.SpecialCloseApproved:
                    underReview = c.Sampled;
                    break;
                case CaseEventType.SpecialCloseUpheld:
                    underReview = false;
                    break;
                case CaseEventType.LimitBreached:
                    firstBreach ??= e.At;
                    break;
                case CaseEventType.ChiefSecretaryReview:
                    csReview = true;
                    break;
                case CaseEventType.SentBack:
                    csReview = false;
                    break;
                case CaseEventType.TransferApproved:
                    // The receiving department starts afresh at L1: the sender's missed limits are not held against it.
                    firstBreach = null;
                    csReview = false;
                    break;
            }
            if (status.IsTerminal() && !before.IsTerminal()) closed = e.At;
            else if (!status.IsTerminal()) closed = null;
            previous = e.Type;
        }
        return new CaseFact(c.Number, department, c.District, c.Category, status, c.CreatedAt, lastAction, resolved, closed, satisfied,
            status == CaseStatus.Resolved ? unanswered : null, notSatisfied, reopens, underReview && status == CaseStatus.SpecialClosed, c.Habitual,
            firstBreach, level, csReview && !status.IsTerminal());
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
