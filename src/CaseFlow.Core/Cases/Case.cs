namespace CaseFlow.Core.Cases;

public sealed record Attachment(string Uri, string FileName, string ContentType);

/// <summary>
/// A complaint. The server maps this class to its table as it is. Nothing outside this project changes a
/// case: registration fills it in (<see cref="CaseService"/>), the state machine changes it, and storage may
/// only give it its identity (<see cref="AssignNumber"/>, <see cref="AssignId"/>).
/// </summary>
public sealed class Case
{
    public long Id { get; internal set; }
    /// <summary>Human-readable number, e.g. UK-2026-000123; assigned when the case is stored.</summary>
    public string Number { get; internal set; } = "";
    public string Department { get; internal set; } = "";
    public string District { get; internal set; } = "";
    public string Category { get; internal set; } = "";
    public string? SubCategory { get; internal set; }
    public Channel Channel { get; internal set; }
    public string ComplainantName { get; internal set; } = "";
    /// <summary>Normalised +91XXXXXXXXXX.</summary>
    public string ComplainantPhone { get; internal set; } = "";
    public string? ComplainantEmail { get; internal set; }
    public string? ComplainantAddress { get; internal set; }
    public string ComplainantDistrict { get; internal set; } = "";
    public string PreferredLanguage { get; internal set; } = "hi";
    public string Description { get; internal set; } = "";
    public List<Attachment> Attachments { get; internal set; } = [];
    public int Level { get; internal set; } = 1;
    public string AssignedPostId { get; internal set; } = "";
    public CaseStatus Status { get; internal set; } = CaseStatus.Registered;
    public DateTimeOffset CreatedAt { get; internal set; }
    public DateTimeOffset UpdatedAt { get; internal set; }
    /// <summary>When the current level's limit runs out; set by the escalation workflow.</summary>
    public DateTimeOffset? DueAt { get; internal set; }
    public string? Resolution { get; internal set; }
    public string? InterimReplyText { get; internal set; }
    public DateTimeOffset? InterimReplyExpectedAt { get; internal set; }
    public DateTimeOffset? InterimReplyAt { get; internal set; }
    public string CreatedBy { get; internal set; } = "";
    /// <summary>The last time an officer did something on the case; "no action for N days" counts from here.</summary>
    public DateTimeOffset LastActionAt { get; internal set; }
    public DateTimeOffset? ResolvedAt { get; internal set; }
    public DateTimeOffset? ClosedAt { get; internal set; }
    public int ReopenCount { get; internal set; }
    public bool? Satisfied { get; internal set; }
    public int? FeedbackRating { get; internal set; }
    public DateTimeOffset? FeedbackAt { get; internal set; }
    /// <summary>The complainant did not answer the follow-ups; the case stays open and ranks as not satisfied.</summary>
    public bool FeedbackUnanswered { get; internal set; }

    public string? SpecialCloseReason { get; internal set; }
    public string? SpecialCloseText { get; internal set; }
    public string? SpecialCloseProposedBy { get; internal set; }
    public DateTimeOffset? SpecialCloseProposedAt { get; internal set; }
    public string? SpecialCloseApprovedBy { get; internal set; }
    public SpecialCloseReview SpecialCloseReview { get; internal set; }

    public string? TransferToDepartment { get; internal set; }
    public string? TransferReason { get; internal set; }
    public string? TransferProposedBy { get; internal set; }

    /// <summary>What was left of the level's limit when the clock stopped for a proposal; restored on reversal or rejection.</summary>
    public TimeSpan? PausedRemaining { get; internal set; }
    /// <summary>The status to return to when a proposal is rejected.</summary>
    public CaseStatus? StatusBeforeProposal { get; internal set; }

    /// <summary>From a complainant flagged as habitual: kept, worked, but left out of rankings.</summary>
    public bool Habitual { get; internal set; }
    public DateTimeOffset? WarnedAt { get; internal set; }
    /// <summary>Breached its limit at L4: on the Chief Secretary's review list.</summary>
    public bool ChiefSecretaryReview { get; internal set; }

    /// <summary>
    /// Every event of this case folded so far (<see cref="Ranking.CaseReplay"/>), advanced as each event is made; a
    /// ranking reads it instead of the events when none came after its period. Null on cases registered before the fold
    /// was kept: those are replayed from their events.
    /// </summary>
    public Ranking.CaseReplay? Replay { get; internal set; }

    /// <summary>Bumped on every change; the etag callers send back to detect concurrent edits.</summary>
    public int Version { get; internal set; } = 1;

    public string Etag => Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ResourceName => CaseNames.Format(Department, Number);

    /// <summary>
    /// Storage numbers a new case in the year's series and gives it the row id the database generated. Until the
    /// case commits it may be given another (a batch that rolls back gives its numbers back and is run again);
    /// after that nothing calls these.
    /// </summary>
    public void AssignNumber(string number) => Number = number;

    /// <inheritdoc cref="AssignNumber"/>
    public void AssignId(long id) => Id = id;

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
    /// <summary>The case's status after the change, so the history alone says where a case stood at any moment (a
    /// ranking of a past week reads it). Null only on events recorded before statuses were kept and not inferable.</summary>
    public CaseStatus? Status { get; set; }
    /// <summary>The case's last officer action after the change ("no action for N days" as of a past date).</summary>
    public DateTimeOffset? LastActionAt { get; set; }

    /// <summary>
    /// The one way an event is made: what happened to <paramref name="c"/> as the change left it (its version, level,
    /// status, last action). The case's fold of its history takes the event in here, so the two cannot disagree.
    /// </summary>
    public static CaseEvent Of(Case c, CaseEventType type, DateTimeOffset at, string actorSystem, string? actorPost, string? text)
    {
        var e = new CaseEvent
        {
            CaseNumber = c.Number, Department = c.Department, Type = type, At = at, ActorSystem = actorSystem, ActorPost = actorPost, Text = text,
            CaseVersion = c.Version, Level = c.Level, Status = c.Status, LastActionAt = c.LastActionAt,
        };
        c.Replay = c.Replay?.Apply(e);
        return e;
    }
}
