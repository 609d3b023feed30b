namespace CaseFlow.Core.Cases;

public sealed record Attachment(string Uri, string FileName, string ContentType);

/// <summary>
/// A complaint. The server maps this class to its table as it is; only the state machine in this
/// project changes its status, level and clock.
/// </summary>
public sealed class Case
{
    public long Id { get; set; }
    /// <summary>Human-readable number, e.g. UK-2026-000123; assigned when the case is stored.</summary>
    public string Number { get; set; } = "";
    public string Department { get; set; } = "";
    public string District { get; set; } = "";
    public string Category { get; set; } = "";
    public string? SubCategory { get; set; }
    public Channel Channel { get; set; }
    public string ComplainantName { get; set; } = "";
    /// <summary>Normalised +91XXXXXXXXXX.</summary>
    public string ComplainantPhone { get; set; } = "";
    public string? ComplainantEmail { get; set; }
    public string? ComplainantAddress { get; set; }
    public string ComplainantDistrict { get; set; } = "";
    public string PreferredLanguage { get; set; } = "hi";
    public string Description { get; set; } = "";
    public List<Attachment> Attachments { get; set; } = [];
    public int Level { get; set; } = 1;
    public string AssignedPostId { get; set; } = "";
    public CaseStatus Status { get; set; } = CaseStatus.Registered;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>When the current level's limit runs out; set by the escalation workflow.</summary>
    public DateTimeOffset? DueAt { get; set; }
    public string? Resolution { get; set; }
    public string? InterimReplyText { get; set; }
    public DateTimeOffset? InterimReplyExpectedAt { get; set; }
    public DateTimeOffset? InterimReplyAt { get; set; }
    public string CreatedBy { get; set; } = "";
    /// <summary>The last time an officer did something on the case; "no action for N days" counts from here.</summary>
    public DateTimeOffset LastActionAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int ReopenCount { get; set; }
    public bool? Satisfied { get; set; }
    public int? FeedbackRating { get; set; }
    public DateTimeOffset? FeedbackAt { get; set; }
    /// <summary>The complainant did not answer the follow-ups; the case stays open and ranks as not satisfied.</summary>
    public bool FeedbackUnanswered { get; set; }

    public string? SpecialCloseReason { get; set; }
    public string? SpecialCloseText { get; set; }
    public string? SpecialCloseProposedBy { get; set; }
    public DateTimeOffset? SpecialCloseProposedAt { get; set; }
    public string? SpecialCloseApprovedBy { get; set; }
    public SpecialCloseReview SpecialCloseReview { get; set; }

    public string? TransferToDepartment { get; set; }
    public string? TransferReason { get; set; }
    public string? TransferProposedBy { get; set; }

    /// <summary>What was left of the level's limit when the clock stopped for a proposal; restored on reversal or rejection.</summary>
    public TimeSpan? PausedRemaining { get; set; }
    /// <summary>The status to return to when a proposal is rejected.</summary>
    public CaseStatus? StatusBeforeProposal { get; set; }

    /// <summary>From a complainant flagged as habitual: kept, worked, but left out of rankings.</summary>
    public bool Habitual { get; set; }
    public DateTimeOffset? WarnedAt { get; set; }
    /// <summary>Breached its limit at L4: on the Chief Secretary's review list.</summary>
    public bool ChiefSecretaryReview { get; set; }

    /// <summary>Bumped on every change; the etag callers send back to detect concurrent edits.</summary>
    public int Version { get; set; } = 1;

    public string Etag => Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ResourceName => CaseNames.Format(Department, Number);

    /// <summary>A field-by-field copy, so a writer can tell which columns a change touched.</summary>
    public Case Snapshot() => (Case)MemberwiseClone();
}

public enum SpecialCloseReview { None, Pending, NotSampled, Upheld, Reversed }

public enum FeedbackChannel { CallBack = 1, Ivrs, Sms, App, Portal }

/// <summary>
/// What happened to a case. The names are also the workflow event names the escalation definitions wait on
/// (prefixed "Case", e.g. "CaseResolved"), so they are part of the workflow contract: add, never rename.
/// </summary>
public enum CaseEventType
{
    Registered = 1,
    NoteAdded,
    InterimReply,
    Resolved,
    FeedbackRecorded,
    Closed,
    Reopened,
    FeedbackRequested,
    FeedbackUnanswered,
    SpecialCloseProposed,
    SpecialCloseApproved,
    SpecialCloseRejected,
    SpecialCloseUpheld,
    SpecialCloseReversed,
    TransferProposed,
    TransferApproved,
    TransferRejected,
    Escalated,
    SentBack,
    ForceClosed,
    Assigned,
    DueTimeSet,
    WarningRaised,
    LimitBreached,
    FlaggedHabitual,
    NotificationSent,
    ChiefSecretaryReview,
}

/// <summary>One entry of a case's append-only history: never updated, never deleted.</summary>
public sealed class CaseEvent
{
    public long Id { get; set; }
    public string CaseNumber { get; set; } = "";
    public string Department { get; set; } = "";
    public CaseEventType Type { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The calling system that made the change.</summary>
    public string ActorSystem { get; set; } = "";
    /// <summary>The officer post acting, when the caller named one.</summary>
    public string? ActorPost { get; set; }
    public string? Text { get; set; }
    /// <summary>The case's version after this change.</summary>
    public int CaseVersion { get; set; }
    /// <summary>The level the event concerns: the case's level after the change (an escalation's new level), or for
    /// a breach the level whose limit ran out. Null on events recorded before levels were kept.</summary>
    public int? Level { get; set; }
}
