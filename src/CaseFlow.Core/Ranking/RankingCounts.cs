using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// The counts every indicator is computed from, for one department (or department × district) and period.
/// <see cref="Of"/> is the one definition: the server replays each case to the period's end and adds these up.
/// A value (a struct): a ranking adds one per case for hundreds of thousands of cases, without an allocation each.
/// </summary>
public readonly record struct RankingCounts
{
    /// <summary>Pending at the end of the period or disposed in it (peer-group volume).</summary>
    public long Active { get; init; }
    /// <summary>Cases whose resolution reached its outcome in the period: closed in any way, answered "not satisfied"
    /// (the case reopens, but the department's answer was rejected: a reopening is not a fresh start), or left
    /// unanswered after the follow-ups (ranks as not satisfied).</summary>
    public long Disposed { get; init; }
    public long SatisfiedClosed { get; init; }
    /// <summary>Of <see cref="Disposed"/>: answered "not satisfied", or unanswered.</summary>
    public long NotSatisfied { get; init; }
    public long ForceClosed { get; init; }
    public long SpecialClosed { get; init; }
    public long PoorQuality { get; init; }
    public long DisposedWithinLimit { get; init; }
    /// <summary><see cref="DisposalTicks"/> in days. Settable, and declared first so that JSON carries it before the ticks:
    /// a snapshot stored before the ticks were kept still reads, and a newer one ends with its exact ticks.</summary>
    public double DisposalDays
    {
        get => (double)DisposalTicks / TimeSpan.TicksPerDay;
        init => DisposalTicks = (long)Math.Round(value * TimeSpan.TicksPerDay);
    }
    /// <summary>Registration to disposal, summed over <see cref="Disposed"/>, in whole ticks: an integer sum is the same in
    /// any order, so a ranking read in parallel ranges (or recomputed later) adds up to exactly the same figure.</summary>
    public long DisposalTicks { get; init; }
    /// <summary>Not closed at the end of the period: with an officer, awaiting a proposal's decision, or resolved and
    /// awaiting the complainant's confirmation (pending until the complainant is satisfied).</summary>
    public long Open { get; init; }
    /// <summary>Of <see cref="Open"/>: resolved, awaiting the complainant's confirmation.</summary>
    public long AwaitingConfirmation { get; init; }
    public long PendingBeyondDays { get; init; }
    /// <summary>With an officer (not awaiting the complainant) and no action for the scorecard's days.</summary>
    public long NotAttended { get; init; }
    /// <summary>Of <see cref="Open"/>: past a time limit at some level, by how long since the first missed limit.</summary>
    public long PastLimit { get; init; }
    public long PastLimitUpTo7Days { get; init; }
    public long PastLimit8To30Days { get; init; }
    public long PastLimitOver30Days { get; init; }
    public long Reopened { get; init; }
    /// <summary>Special closes waiting for the nodal agency's review at the end of the period.</summary>
    public long SpecialCloseUnderReview { get; init; }
    /// <summary>On the Chief Secretary's review list at the end of the period.</summary>
    public long ChiefSecretaryReview { get; init; }

    public static readonly RankingCounts Zero = default;

    public static RankingCounts operator +(RankingCounts a, RankingCounts b) => new()
    {
        Active = a.Active + b.Active,
        Disposed = a.Disposed + b.Disposed,
        SatisfiedClosed = a.SatisfiedClosed + b.SatisfiedClosed,
        NotSatisfied = a.NotSatisfied + b.NotSatisfied,
        ForceClosed = a.ForceClosed + b.ForceClosed,
        SpecialClosed = a.SpecialClosed + b.SpecialClosed,
        PoorQuality = a.PoorQuality + b.PoorQuality,
        DisposedWithinLimit = a.DisposedWithinLimit + b.DisposedWithinLimit,
        DisposalTicks = a.DisposalTicks + b.DisposalTicks,
        Open = a.Open + b.Open,
        AwaitingConfirmation = a.AwaitingConfirmation + b.AwaitingConfirmation,
        PendingBeyondDays = a.PendingBeyondDays + b.PendingBeyondDays,
        NotAttended = a.NotAttended + b.NotAttended,
        PastLimit = a.PastLimit + b.PastLimit,
        PastLimitUpTo7Days = a.PastLimitUpTo7Days + b.PastLimitUpTo7Days,
        PastLimit8To30Days = a.PastLimit8To30Days + b.PastLimit8To30Days,
        PastLimitOver30Days = a.PastLimitOver30Days + b.PastLimitOver30Days,
        Reopened = a.Reopened + b.Reopened,
        SpecialCloseUnderReview = a.SpecialCloseUnderReview + b.SpecialCloseUnderReview,
        ChiefSecretaryReview = a.ChiefSecretaryReview + b.ChiefSecretaryReview,
    };

    /// <summary>
    /// The counts one case, as it stood at the period's end, contributes. Habitual complainants' cases contribute
    /// nothing: they are worked but kept out of the grading (MP's rule for repeat complainants).
    /// </summary>
    // Once per case per ranking, weekly and so always cold: compiled optimised at once.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static RankingCounts Of(in CaseFact c, RankingPeriod period, int pendingDays, int notAttendedDays)
    {
        if (c.Habitual || c.CreatedAt >= period.To) return Zero;
        bool In(DateTimeOffset? t) => t is { } v && v >= period.From && v < period.To;
        var terminal = c.Status.IsTerminal();
        var closedInPeriod = terminal && In(c.ClosedAt);
        var rejected = !closedInPeriod && (In(c.NotSatisfiedAt) || In(c.UnansweredAt));
        var disposed = closedInPeriod || rejected;
        var open = !terminal;
        if (!disposed && !open)
            return c.SpecialCloseUnderReview ? new RankingCounts { SpecialCloseUnderReview = 1 } : Zero;
        var awaiting = c.Status == CaseStatus.Resolved;
        var pastLimitDays = open && c.FirstBreachAt is { } breach ? (period.To - breach).TotalDays : (double?)null;
        var disposedAt = c.ResolvedAt ?? c.ClosedAt ?? period.To;
        return new RankingCounts
        {
            Active = 1,
            Disposed = disposed ? 1 : 0,
            SatisfiedClosed = closedInPeriod && c.Status == CaseStatus.Closed && c.Satisfied == true ? 1 : 0,
            NotSatisfied = rejected ? 1 : 0,
            ForceClosed = closedInPeriod && c.Status == CaseStatus.ForceClosed ? 1 : 0,
            SpecialClosed = closedInPeriod && c.Status == CaseStatus.SpecialClosed ? 1 : 0,
            // A disposal that an earlier one had to be reopened for, or one made without the complainant.
            PoorQuality = disposed && (c.ReopenCount > 0 || c.Status == CaseStatus.ForceClosed) ? 1 : 0,
            DisposedWithinLimit = disposed && c.FirstBreachAt is null ? 1 : 0,
            DisposalTicks = disposed ? (disposedAt - c.CreatedAt).Ticks : 0,
            Open = open ? 1 : 0,
            AwaitingConfirmation = awaiting ? 1 : 0,
            PendingBeyondDays = open && c.CreatedAt < period.To.AddDays(-pendingDays) ? 1 : 0,
            NotAttended = open && !awaiting && c.LastActionAt < period.To.AddDays(-notAttendedDays) ? 1 : 0,
            PastLimit = pastLimitDays is not null ? 1 : 0,
            PastLimitUpTo7Days = pastLimitDays is <= 7 ? 1 : 0,
            PastLimit8To30Days = pastLimitDays is > 7 and <= 30 ? 1 : 0,
            PastLimitOver30Days = pastLimitDays is > 30 ? 1 : 0,
            Reopened = c.ReopenCount > 0 ? 1 : 0,
            SpecialCloseUnderReview = c.SpecialCloseUnderReview ? 1 : 0,
            ChiefSecretaryReview = open && c.ChiefSecretaryReview ? 1 : 0,
        };
    }
}
