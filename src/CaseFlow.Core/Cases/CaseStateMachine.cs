using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Cases;

/// <summary>
/// Which transitions are legal, whoever calls and whatever workflow runs: a case closes only with a
/// satisfied complainant, a special close needs an L3/L4 of the same department who did not propose
/// it, force close is off unless configured, and a transfer is never a closure. Every method checks
/// everything first and mutates only when it will succeed, so a refusal leaves the case untouched.
/// </summary>
public static class CaseStateMachine
{

    public static void AddNote(Case c, DateTimeOffset now, string text, bool interimReply, DateTimeOffset? expectedResolution)
    {
        if (c.Status.IsTerminal())
            throw Refuse(c, "add a note to");
        if (interimReply)
        {
            if (!c.Status.IsWorkable())
                throw Refuse(c, "send an interim reply on");
            if (expectedResolution is null)
                throw CaseFlowException.Invalid("expected_resolution_time", "is required for an interim reply.");
            if (expectedResolution <= now)
                throw CaseFlowException.Invalid("expected_resolution_time", "must be in the future.");
            c.InterimReplyText = text;
            c.InterimReplyExpectedAt = expectedResolution;
            c.InterimReplyAt = now;
        }
        if (c.Status is CaseStatus.Registered or CaseStatus.Reopened)
            c.Status = CaseStatus.InProgress;
        c.LastActionAt = now;
        Touch(c, now);
    }

    public static void Resolve(Case c, DateTimeOffset now, string resolution)
    {
        RequireWorkable(c, "resolve");
        c.Status = CaseStatus.Resolved;
        c.Resolution = resolution;
        c.ResolvedAt = now;
        c.FeedbackUnanswered = false;
        c.LastActionAt = now;
        Touch(c, now);
    }

    /// <summary>Satisfied closes the case; not satisfied reopens it at its level (the workflow sets the new limit).</summary>
    public static void RecordFeedback(Case c, DateTimeOffset now, bool satisfied, int? rating)
    {
        if (c.Status != CaseStatus.Resolved)
            throw Refuse(c, "record feedback on");
        if (rating is < 1 or > 5)
            throw CaseFlowException.Invalid("rating", "must be between 1 and 5.");
        c.Satisfied = satisfied;
        c.FeedbackRating = rating;
        c.FeedbackAt = now;
        c.FeedbackUnanswered = false;
        if (satisfied)
        {
            c.Status = CaseStatus.Closed;
            c.ClosedAt = now;
            c.DueAt = null;
        }
        else
        {
            c.Status = CaseStatus.Reopened;
            c.ReopenCount++;
        }
        Touch(c, now);
    }

    /// <summary>The follow-ups ran out without an answer: the case stays open and counts as not satisfied.</summary>
    public static void MarkFeedbackUnanswered(Case c, DateTimeOffset now)
    {
        if (c.Status != CaseStatus.Resolved)
            throw Refuse(c, "mark feedback unanswered on");
        c.FeedbackUnanswered = true;
        Touch(c, now);
    }

    public static void ProposeSpecialClose(Case c, DateTimeOffset now, Post post, string reason, string text)
    {
        RequireWorkable(c, "propose a special close of");
        RequireOwnDepartment(c, post);
        if (post.Level > 2)
            throw CaseFlowException.Denied($"A special close is proposed at L1 or L2; post '{post.Id}' is at L{post.Level}.");
        c.StatusBeforeProposal = c.Status;
        c.Status = CaseStatus.SpecialCloseProposed;
        c.SpecialCloseReason = reason;
        c.SpecialCloseText = text;
        c.SpecialCloseProposedBy = post.Id;
        c.SpecialCloseProposedAt = now;
        c.SpecialCloseApprovedBy = null;
        c.SpecialCloseReview = SpecialCloseReview.None;
        PauseClock(c, now);
        c.LastActionAt = now;
        Touch(c, now);
    }

    public static void DecideSpecialClose(Case c, DateTimeOffset now, Post post, bool approve, bool sampledForReview)
    {
        if (c.Status != CaseStatus.SpecialCloseProposed)
            throw Refuse(c, approve ? "approve a special close of" : "reject a special close of");
        RequireOwnDepartment(c, post);
        if (post.Level < 3)
            throw CaseFlowException.Denied($"A special close is approved at L3 or L4; post '{post.Id}' is at L{post.Level}.");
        if (post.Id == c.SpecialCloseProposedBy)
            throw new CaseFlowException(ErrorKind.PermissionDenied, "SELF_APPROVAL",
                $"Post '{post.Id}' proposed this special close and cannot also decide it.");
        if (approve)
        {
            c.Status = CaseStatus.SpecialClosed;
            c.SpecialCloseApprovedBy = post.Id;
            c.ClosedAt = now;
            c.SpecialCloseReview = sampledForReview ? SpecialCloseReview.Pending : SpecialCloseReview.NotSampled;
        }
        else
        {
            RestoreAfterProposal(c, now);
        }
        c.LastActionAt = now;
        Touch(c, now);
    }

    /// <summary>A reviewer upholds an approved special close, or reverses it: the case reopens with its clock as it stood.</summary>
    public static void ReviewSpecialClose(Case c, DateTimeOffset now, bool uphold)
    {
        if (c.Status != CaseStatus.SpecialClosed || c.SpecialCloseReview is not (SpecialCloseReview.Pending or SpecialCloseReview.NotSampled))
            throw Refuse(c, "review the special close of");
        if (uphold)
        {
            c.SpecialCloseReview = SpecialCloseReview.Upheld;
        }
        else
        {
            c.SpecialCloseReview = SpecialCloseReview.Reversed;
            c.Status = CaseStatus.Reopened;
            c.ReopenCount++;
            c.ClosedAt = null;
            ResumeClock(c, now);
            c.StatusBeforeProposal = null;
        }
        Touch(c, now);
    }

    public static void ForceClose(Case c, DateTimeOffset now, Post post, bool enabled)
    {
        if (!enabled)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "FORCE_CLOSE_DISABLED",
                "Force close is switched off: a complaint is disposed only when the complainant is satisfied.");
        if (c.Status.IsTerminal())
            throw Refuse(c, "force close");
        RequireOwnDepartment(c, post);
        if (post.Level < 4)
            throw CaseFlowException.Denied($"Force close needs the L4 post; '{post.Id}' is at L{post.Level}.");
        c.Status = CaseStatus.ForceClosed;
        c.ClosedAt = now;
        c.DueAt = null;
        c.LastActionAt = now;
        Touch(c, now);
    }

    public static void ProposeTransfer(Case c, DateTimeOffset now, Post? post, string toDepartment, string reason, DirectorySnapshot dir)
    {
        RequireWorkable(c, "propose a transfer of");
        if (post is not null) RequireOwnDepartment(c, post);
        if (!dir.DepartmentsById.ContainsKey(toDepartment))
            throw CaseFlowException.Invalid("to_department", $"'{TextLimit.Echo(toDepartment)}' is not a known department.");
        if (toDepartment == c.Department)
            throw CaseFlowException.Invalid("to_department", "is the case's own department.");
        c.StatusBeforeProposal = c.Status;
        c.Status = CaseStatus.TransferProposed;
        c.TransferToDepartment = toDepartment;
        c.TransferReason = reason;
        c.TransferProposedBy = post?.Id;
        PauseClock(c, now);
        c.LastActionAt = now;
        Touch(c, now);
    }

    /// <summary>
    /// The receiving department's L2 or above (or a supervisor) decides. Approved, the case starts afresh
    /// at the new department's L1 in the same district; the workflow gives it a fresh limit.
    /// </summary>
    public static void DecideTransfer(Case c, DateTimeOffset now, Post? post, bool supervisor, bool approve, DirectorySnapshot dir)
    {
        if (c.Status != CaseStatus.TransferProposed)
            throw Refuse(c, approve ? "approve a transfer of" : "reject a transfer of");
        var target = c.TransferToDepartment!;
        if (!supervisor)
        {
            if (post is null)
                throw CaseFlowException.Invalid("post", "is required: the receiving department's L2 or above decides a transfer.");
            if (post.Department != target || post.Level < 2)
                throw CaseFlowException.Denied($"A transfer to '{target}' is decided by that department's L2 or above; post '{post.Id}' is not.");
        }
        if (approve)
        {
            var l1 = dir.PostFor(target, c.District, 1)
                     ?? throw new CaseFlowException(ErrorKind.FailedPrecondition, "NO_POST_MAPPED", $"No L1 post is mapped for '{target}' in '{c.District}'.");
            c.Department = target;
            c.Level = 1;
            c.AssignedPostId = l1.Id;
            c.Status = CaseStatus.Registered;
            c.DueAt = null;
            c.PausedRemaining = null;
            c.StatusBeforeProposal = null;
            c.WarnedAt = null;
        }
        else
        {
            RestoreAfterProposal(c, now);
        }
        c.TransferToDepartment = null;
        c.LastActionAt = now;
        Touch(c, now);
    }

    /// <summary>Moves a case one level up. Officers do it by hand with a reason; the workflow does it on a breach.</summary>
    public static void Escalate(Case c, DateTimeOffset now, Post? actingPost, DirectorySnapshot dir)
    {
        RequireWorkable(c, "escalate");
        if (c.Level >= Post.MaxLevel)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "ALREADY_AT_TOP", $"Case {c.Number} is already at L{Post.MaxLevel}.");
        if (actingPost is not null)
        {
            RequireOwnDepartment(c, actingPost);
            if (actingPost.Level < c.Level)
                throw CaseFlowException.Denied($"Post '{actingPost.Id}' (L{actingPost.Level}) is below the case's level L{c.Level}.");
        }
        MoveTo(c, c.Level + 1, dir);
        c.LastActionAt = actingPost is null ? c.LastActionAt : now;
        Touch(c, now);
    }

    public static void SendBack(Case c, DateTimeOffset now, Post post, DirectorySnapshot dir)
    {
        RequireWorkable(c, "send back");
        RequireOwnDepartment(c, post);
        // Who may act is a permission (as for EscalateCase); where the case stands is a precondition.
        if (post.Level != Post.MaxLevel)
            throw CaseFlowException.Denied($"Only the L4 post sends a case back to L3; post '{post.Id}' is at L{post.Level}.");
        if (c.Level != Post.MaxLevel)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "SEND_BACK_L4_ONLY",
                $"Only a case at L4 is sent back to L3; case {c.Number} is at L{c.Level}.");
        MoveTo(c, 3, dir);
        c.ChiefSecretaryReview = false;
        c.LastActionAt = now;
        Touch(c, now);
    }

    /// <summary>
    /// The workflow set the current level's deadline. The clock is bookkeeping, not the case's content, so
    /// the etag stays: a caller that just registered or changed a case is not made to re-read it because
    /// the workflow started a timer a moment later.
    /// </summary>
    public static void SetDueTime(Case c, DateTimeOffset now, DateTimeOffset due)
    {
        c.DueAt = due;
        c.WarnedAt = null;
        c.PausedRemaining = null;
        c.UpdatedAt = now;
    }

    /// <summary>Like <see cref="SetDueTime"/>, bookkeeping: the etag stays.</summary>
    public static void RaiseWarning(Case c, DateTimeOffset now)
    {
        c.WarnedAt = now;
        c.UpdatedAt = now;
    }

    public static void FlagForChiefSecretary(Case c, DateTimeOffset now)
    {
        c.ChiefSecretaryReview = true;
        Touch(c, now);
    }

    /// <summary>A new complaint from a phone already flagged habitual: counted apart from the start (rankings leave it out).</summary>
    public static void RegisterAsHabitual(Case draft) => draft.Habitual = true;

    public static void MarkHabitual(Case c, DateTimeOffset now)
    {
        c.Habitual = true;
        Touch(c, now);
    }

    public static void CheckEtag(Case c, string? etag)
    {
        if (!string.IsNullOrEmpty(etag) && etag != c.Etag)
            throw new CaseFlowException(ErrorKind.Aborted, "ETAG_MISMATCH",
                $"Case {c.Number} has changed since etag {etag} was read (it is now {c.Etag}); read it again and retry.",
                metadata: new Dictionary<string, string> { ["current_etag"] = c.Etag });
    }

    private static void MoveTo(Case c, int level, DirectorySnapshot dir)
    {
        var post = dir.PostFor(c.Department, c.District, level)
                   ?? throw new CaseFlowException(ErrorKind.FailedPrecondition, "NO_POST_MAPPED",
                       $"No L{level} post is mapped for '{c.Department}' in '{c.District}'.");
        c.Level = level;
        c.AssignedPostId = post.Id;
        c.WarnedAt = null;
    }

    private static void PauseClock(Case c, DateTimeOffset now)
    {
        c.PausedRemaining = c.DueAt is { } due ? (due > now ? due - now : TimeSpan.Zero) : null;
        c.DueAt = null;
    }

    private static void ResumeClock(Case c, DateTimeOffset now)
    {
        if (c.PausedRemaining is { } remaining)
            c.DueAt = now + remaining;
    }

    private static void RestoreAfterProposal(Case c, DateTimeOffset now)
    {
        c.Status = c.StatusBeforeProposal ?? CaseStatus.InProgress;
        c.StatusBeforeProposal = null;
        ResumeClock(c, now);
    }

    private static void RequireWorkable(Case c, string action)
    {
        if (!c.Status.IsWorkable())
            throw Refuse(c, action);
    }

    private static void RequireOwnDepartment(Case c, Post post)
    {
        if (post.Department != c.Department)
            throw CaseFlowException.Denied($"Post '{post.Id}' belongs to department '{post.Department}', not '{c.Department}'.");
    }

    private static void Touch(Case c, DateTimeOffset now)
    {
        c.UpdatedAt = now;
        c.Version++;
    }

    private static CaseFlowException Refuse(Case c, string action) =>
        new(ErrorKind.FailedPrecondition, "INVALID_TRANSITION",
            $"Cannot {action} case {c.Number}: it is {c.Status}.",
            metadata: new Dictionary<string, string> { ["status"] = c.Status.ToString(), ["action"] = action });
}
