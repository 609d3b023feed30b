using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// The few fields of a case that rankings and recurring detection read: a projection, so a host can
/// stream a million of them without loading complainants' details or attachments.
/// </summary>
public sealed record CaseFact(
    string Number,
    string Department,
    string District,
    string Category,
    CaseStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActionAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    bool? Satisfied,
    bool FeedbackUnanswered,
    int ReopenCount,
    SpecialCloseReview SpecialCloseReview,
    bool Habitual,
    /// <summary>The case had a LimitBreached event at some level (its due time is cleared at closure, so the event is the record).</summary>
    bool Breached)
{
    public static CaseFact From(Case c, bool breached) => new(c.Number, c.Department, c.District, c.Category, c.Status, c.CreatedAt,
        c.LastActionAt, c.ResolvedAt, c.ClosedAt, c.Satisfied, c.FeedbackUnanswered, c.ReopenCount, c.SpecialCloseReview, c.Habitual, breached);
}

/// <summary>
/// A ranking period [From, To). Weekly reviews run Monday to Monday in India Standard Time.
/// </summary>
public sealed record RankingPeriod(DateTimeOffset From, DateTimeOffset To)
{
    public static RankingPeriod WeekBefore(DateTimeOffset now)
    {
        var ist = IndiaTime.ToIst(now);
        var monday = new DateTimeOffset(ist.Date, IndiaTime.Offset).AddDays(-(((int)ist.DayOfWeek + 6) % 7));
        return new RankingPeriod(monday.AddDays(-7), monday);
    }

    public void Validate()
    {
        if (To <= From)
            throw Errors.CaseFlowException.Invalid("period", "the end must be after the start");
        if (To - From > TimeSpan.FromDays(366))
            throw Errors.CaseFlowException.Invalid("period", "a ranking period is at most a year");
    }
}
