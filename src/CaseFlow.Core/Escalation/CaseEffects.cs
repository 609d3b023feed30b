using System.Globalization;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;

namespace CaseFlow.Core.Escalation;

/// <summary>
/// A change the escalation workflow makes to a case. Activities add these to their step
/// (<c>context.AddEffect</c>) and the store applies them in the same transaction as the step, so a
/// breach escalates exactly once even across crashes and several servers. Each effect re-checks the
/// case first and does nothing when the case has moved on (resolved, escalated by hand, transferred).
/// </summary>
public abstract record CaseEffect(string CaseNumber)
{
    public abstract IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now);

    protected static IReadOnlyList<CaseEvent> None => [];

    protected static CaseEvent Event(Case c, CaseEventType type, DateTimeOffset now, string text) =>
        CaseEvent.Of(c, type, now, CaseService.WorkflowActor, null, text);

    protected static string Ist(DateTimeOffset t) => IndiaTime.ToIst(t).ToString("d MMM yyyy HH:mm 'IST'", CultureInfo.InvariantCulture);
}

/// <summary>The current level's limit started: the case shows its due time.</summary>
public sealed record SetDueTime(string CaseNumber, int Level, DateTimeOffset Due, string Limit) : CaseEffect(CaseNumber)
{
    public override IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now)
    {
        if (c.Level != Level || !c.Status.IsWorkable() || c.DueAt == Due) return None;
        CaseStateMachine.SetDueTime(c, now, Due);
        return [Event(c, CaseEventType.DueTimeSet, now, $"L{Level} limit {Limit}: due {Ist(Due)}.")];
    }
}

public sealed record RaiseWarning(string CaseNumber, int Level, DateTimeOffset Due) : CaseEffect(CaseNumber)
{
    public override IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now)
    {
        if (c.Level != Level || !c.Status.IsWorkable() || c.WarnedAt is not null) return None;
        CaseStateMachine.RaiseWarning(c, now);
        var post = directory.FindPost(c.AssignedPostId);
        return [Event(c, CaseEventType.WarningRaised, now, $"Warning to {post?.Designation ?? c.AssignedPostId}: the L{Level} limit runs out {Ist(Due)}.")];
    }
}

/// <summary>The level's limit ran out: the case climbs to the next level's post.</summary>
public sealed record EscalateOnBreach(string CaseNumber, int FromLevel) : CaseEffect(CaseNumber)
{
    public override IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now)
    {
        if (c.Level != FromLevel || !c.Status.IsWorkable() || FromLevel >= Post.MaxLevel) return None;
        var breached = Event(c, CaseEventType.LimitBreached, now, $"The L{FromLevel} limit ran out ({(c.DueAt is { } d ? Ist(d) : "no due time")}).");
        CaseStateMachine.Escalate(c, now, actingPost: null, directory);
        var post = directory.FindPost(c.AssignedPostId);
        return [breached, Event(c, CaseEventType.Escalated, now, $"Escalated to L{c.Level}: {post?.Designation} ({post?.OfficerName}).")];
    }
}

/// <summary>The limit ran out at L4: the case goes on the Chief Secretary's review list.</summary>
public sealed record FlagForChiefSecretary(string CaseNumber) : CaseEffect(CaseNumber)
{
    public override IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now)
    {
        if (!c.Status.IsWorkable()) return None;
        var breached = Event(c, CaseEventType.LimitBreached, now, $"The L{c.Level} limit ran out ({(c.DueAt is { } d ? Ist(d) : "no due time")}).");
        if (c.ChiefSecretaryReview) return [breached];
        CaseStateMachine.FlagForChiefSecretary(c, now);
        return [breached, Event(c, CaseEventType.ChiefSecretaryReview, now, "Placed on the Chief Secretary's review list.")];
    }
}

/// <summary>Asks the complainant whether the resolution satisfied them (call-back, IVRS, SMS).</summary>
public sealed record AskForFeedback(string CaseNumber, int Attempt, int OfAttempts) : CaseEffect(CaseNumber)
{
    public override IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now) =>
        c.Status != CaseStatus.Resolved ? None : [Event(c, CaseEventType.FeedbackRequested, now, $"Complainant asked for feedback ({Attempt} of {OfAttempts}).")];
}

public sealed record MarkFeedbackUnanswered(string CaseNumber, int Attempts) : CaseEffect(CaseNumber)
{
    public override IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now)
    {
        if (c.Status != CaseStatus.Resolved || c.FeedbackUnanswered) return None;
        CaseStateMachine.MarkFeedbackUnanswered(c, now);
        return [Event(c, CaseEventType.FeedbackUnanswered, now, $"No answer after {Attempts} requests: the case stays open and counts as not satisfied.")];
    }
}

/// <summary>A message for a post or the complainant, recorded on the case; watchers deliver it (SMS, e-mail, MIS inbox).</summary>
public sealed record NotifyCase(string CaseNumber, string Recipient, string Message) : CaseEffect(CaseNumber)
{
    /// <summary>Who a notice can go to. A level's post is named outright, so a notice drawn beside an escalation reaches the
    /// officer meant whichever of the two runs first (the assigned officer is whoever holds the case at that moment).</summary>
    public static readonly IReadOnlyList<string> Recipients =
        ["assigned-officer", "l1-post", "l2-post", "l3-post", "l4-post", "head-of-department", "district-magistrate", "chief-secretary-cell", "complainant"];

    public override IReadOnlyList<CaseEvent> Apply(Case c, DirectorySnapshot directory, DateTimeOffset now)
    {
        string AtLevel(int level) => directory.PostFor(c.Department, c.District, level)?.Designation ?? $"the L{level} officer";
        var to = Recipient switch
        {
            "complainant" => "the complainant",
            "head-of-department" => directory.PostFor(c.Department, c.District, 3)?.Designation ?? "the Head of Department",
            "l1-post" => AtLevel(1),
            "l2-post" => AtLevel(2),
            "l3-post" => AtLevel(3),
            "l4-post" => AtLevel(4),
            "district-magistrate" => directory.DistrictMagistrateOf(c.District)?.Designation ?? "the District Magistrate",
            // The cell that keeps the Chief Secretary's review list: a desk of the state, not an officer post of a department.
            "chief-secretary-cell" => "the Chief Secretary's review cell",
            _ => directory.FindPost(c.AssignedPostId)?.Designation ?? c.AssignedPostId,
        };
        return [Event(c, CaseEventType.NotificationSent, now, $"To {to}: {NoticeText.Fill(Message, c, directory)}")];
    }
}
