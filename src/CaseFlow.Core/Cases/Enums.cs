namespace CaseFlow.Core.Cases;

public enum Channel { Portal = 1, CallCentre, App, Email, Cpgrams, Other }

public enum CaseStatus
{
    Registered = 1,
    InProgress,
    Resolved,
    Closed,
    Reopened,
    SpecialCloseProposed,
    SpecialClosed,
    TransferProposed,
    ForceClosed,
}

public static class CaseStatusExtensions
{
    /// <summary>Closed in any way: nothing more happens to the case unless a review reopens it.</summary>
    public static bool IsTerminal(this CaseStatus status) =>
        status is CaseStatus.Closed or CaseStatus.SpecialClosed or CaseStatus.ForceClosed;

    /// <summary>The states <see cref="IsTerminal"/> holds for, and the rest: for queries by "open" or "closed".</summary>
    public static readonly IReadOnlySet<CaseStatus> Terminal = Enum.GetValues<CaseStatus>().Where(IsTerminal).ToHashSet();
    public static readonly IReadOnlySet<CaseStatus> NotTerminal = Enum.GetValues<CaseStatus>().Where(s => !s.IsTerminal()).ToHashSet();

    /// <summary>An officer can work it: registered, in progress or reopened (not resolved, not awaiting a proposal's decision).</summary>
    public static bool IsWorkable(this CaseStatus status) =>
        status is CaseStatus.Registered or CaseStatus.InProgress or CaseStatus.Reopened;

    /// <summary>The states <see cref="IsWorkable"/> holds for: for queries of the cases whose clock runs.</summary>
    public static readonly IReadOnlySet<CaseStatus> Workable = Enum.GetValues<CaseStatus>().Where(IsWorkable).ToHashSet();

    /// <summary>Closed for good: satisfied, force closed, or a special close that review will not reopen.</summary>
    public static bool IsFinished(this Case c) =>
        c.Status is CaseStatus.Closed or CaseStatus.ForceClosed
        || (c.Status == CaseStatus.SpecialClosed && c.SpecialCloseReview is not SpecialCloseReview.Pending);
}
