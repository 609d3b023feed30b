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
}
