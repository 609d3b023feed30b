using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// The counts every indicator is computed from, for one department (or department × district) and period.
/// The server produces the same counts with one GROUP BY in SQL; <see cref="Add"/> is the definition both
/// must follow (a server test compares the two).
/// </summary>
public sealed record RankingCounts
{
    /// <summary>Cases registered before the period ended that were open or disposed in the period (peer-group volume).</summary>
    public long Active { get; init; }
    /// <summary>Closed in any way in the period, plus resolved cases whose complainant never answered (they rank as not satisfied).</summary>
    public long Disposed { get; init; }
    public long SatisfiedClosed { get; init; }
    public long ForceClosed { get; init; }
    public long SpecialClosed { get; init; }
    public long PoorQuality { get; init; }
    public long DisposedWithinLimit { get; init; }
    public double DisposalDays { get; init; }
    /// <summary>Still with an officer at the end of the period (resolved cases wait on the complainant, not the officer).</summary>
    public long Open { get; init; }
    public long PendingBeyondDays { get; init; }
    public long NotAttended { get; init; }
    public long Reopened { get; init; }
    /// <summary>Special closes waiting for the nodal agency's review (now, not per period).</summary>
    public long SpecialCloseUnderReview { get; init; }

    public static readonly RankingCounts Zero = new();

    public static RankingCounts operator +(RankingCounts a, RankingCounts b) => new()
    {
        Active = a.Active + b.Active,
        Disposed = a.Disposed + b.Disposed,
        SatisfiedClosed = a.SatisfiedClosed + b.SatisfiedClosed,
        ForceClosed = a.ForceClosed + b.ForceClosed,
        SpecialClosed = a.SpecialClosed + b.SpecialClosed,
        PoorQuality = a.PoorQuality + b.PoorQuality,
        DisposedWithinLimit = a.DisposedWithinLimit + b.DisposedWithinLimit,
        DisposalDays = a.DisposalDays + b.DisposalDays,
        Open = a.Open + b.Open,
        PendingBeyondDays = a.PendingBeyondDays + b.PendingBeyondDays,
        NotAttended = a.NotAttended + b.NotAttended,
        Reopened = a.Reopened + b.Reopened,
        SpecialCloseUnderReview = a.SpecialCloseUnderReview + b.SpecialCloseUnderReview,
    };

    /// <summary>
    /// The counts one case contributes. Habitual complainants' cases contribute nothing: they are worked
    /// but kept out of the grading (MP's rule for repeat complainants).
    /// </summary>
    public static RankingCounts Of(CaseFact c, RankingPeriod period, int pendingDays, int notAttendedDays)
    {
        if (c.Habitual || c.CreatedAt >= period.To) return Zero;
        bool In(DateTimeOffset? t) => t is { } v && v >= period.From && v < period.To;
        var terminal = c.Status.IsTerminal();
        var unanswered = c.Status == CaseStatus.Resolved && c.FeedbackUnanswered;
        var disposed = (terminal && In(c.ClosedAt)) || (unanswered && In(c.ResolvedAt));
        var open = !terminal && c.Status != CaseStatus.Resolved;
        if (!disposed && !open) return c.Status == CaseStatus.SpecialClosed && c.SpecialCloseReview == SpecialCloseReview.Pending
            ? new RankingCounts { SpecialCloseUnderReview = 1 }
            : Zero;
        var disposedAt = c.ResolvedAt ?? c.ClosedAt ?? period.To;
        return new RankingCounts
        {
            Active = 1,
            Disposed = disposed ? 1 : 0,
            SatisfiedClosed = disposed && c.Status == CaseStatus.Closed && c.Satisfied == true ? 1 : 0,
            ForceClosed = disposed && c.Status == CaseStatus.ForceClosed ? 1 : 0,
            SpecialClosed = disposed && c.Status == CaseStatus.SpecialClosed ? 1 : 0,
            // A closure that an earlier closure had to be reopened for, or one made without the complainant.
            PoorQuality = disposed && (c.ReopenCount > 0 || c.Status == CaseStatus.ForceClosed) ? 1 : 0,
            DisposedWithinLimit = disposed && !c.Breached ? 1 : 0,
            DisposalDays = disposed ? (disposedAt - c.CreatedAt).TotalDays : 0,
            Open = open ? 1 : 0,
            PendingBeyondDays = open && c.CreatedAt < period.To.AddDays(-pendingDays) ? 1 : 0,
            NotAttended = open && c.LastActionAt < period.To.AddDays(-notAttendedDays) ? 1 : 0,
            Reopened = c.ReopenCount > 0 ? 1 : 0,
            SpecialCloseUnderReview = c.Status == CaseStatus.SpecialClosed && c.SpecialCloseReview == SpecialCloseReview.Pending ? 1 : 0,
        };
    }
}
