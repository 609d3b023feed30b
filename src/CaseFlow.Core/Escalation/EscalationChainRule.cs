using CaseFlow.Core.Directory;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Core.Escalation;

/// <summary>
/// What an escalation definition must do for a helpline, checked before it can be published: from the start the
/// case gets an L1 limit; each level's limit, when it runs out, escalates the case to the next level's limit; the
/// L4 limit puts it on the Chief Secretary's review list; every CaseFlow step is reachable; every notice has a
/// message. A definition with no SLA timer (the weekly ranking) is not an escalation and only gets the last two.
/// Activities in between (joins, notices, decisions) are passed through, so the chain may be drawn any way.
/// </summary>
public sealed class EscalationChainRule : IDefinitionRule
{
    public const string SlaTimerType = "CaseFlow.SlaTimer";
    public const string EscalateType = "CaseFlow.Escalate";
    public const string FlagType = "CaseFlow.FlagForReview";
    public const string NotifyType = "CaseFlow.Notify";

    public const string BrokenChain = "ESCALATION_CHAIN_BROKEN";
    public const string MissingMessage = "MISSING_MESSAGE";
    public const string UnknownPlaceholder = "UNKNOWN_PLACEHOLDER";

    private static readonly HashSet<string> ChainSteps = new(StringComparer.Ordinal) { SlaTimerType, EscalateType, FlagType };

    public IEnumerable<ValidationIssue> Check(WorkflowDefinition definition, DefinitionShape shape, ValidationPurpose purpose)
    {
        var issues = new List<ValidationIssue>();
        var start = shape.Start;
        if (start is not null)
        {
            foreach (var a in definition.Activities.Where(a => a.Type.StartsWith("CaseFlow.", StringComparison.Ordinal) && !shape.Reachable.Contains(a.Id)))
                issues.Add(Error(ValidationCodes.UnreachableActivity, a,
                    $"{a.Label} is a CaseFlow step that nothing leads to from the start: it would never run. Connect it or delete it."));
        }
        foreach (var notify in definition.Activities.Where(a => a.Type == NotifyType))
            if (!notify.Inputs.TryGetValue("message", out var message) || string.IsNullOrWhiteSpace(message.Text))
                issues.Add(Error(MissingMessage, notify, $"{notify.Label} has no message: the officer would be sent nothing. Write the message to send."));
            else if (message.IsLiteral && NoticeText.Unknown(message.Text!) is { Count: > 0 } unknown)
                issues.Add(Error(UnknownPlaceholder, notify, $"{notify.Label}: the message uses {string.Join(", ", unknown.Select(u => $"{{{u}}}"))}, which " +
                    $"{(unknown.Count == 1 ? "is not a placeholder" : "are not placeholders")}; it may use {string.Join(", ", NoticeText.Placeholders.Keys.Select(k => $"{{{k}}}"))}."));
        if (start is not null && definition.Activities.Any(a => a.Type == SlaTimerType))
            CheckChain(definition, shape, start, issues);
        return issues;
    }

    /// <summary>
    /// The escalation as levels, read from the flow the same way it is checked: each level's SLA timer and what its breach
    /// leads to. The designer's rules table is this, so the table and the chart cannot disagree. Empty for a flow with no
    /// start or no SLA timer.
    /// </summary>
    public static IReadOnlyList<EscalationLevel> Levels(WorkflowDefinition definition, DefinitionShape shape)
    {
        var levels = new List<EscalationLevel>();
        if (shape.Start is { } start && definition.Activities.Any(a => a.Type == SlaTimerType))
            CheckChain(definition, shape, start, [], levels);
        return levels;
    }

    private static void CheckChain(WorkflowDefinition definition, DefinitionShape shape, ActivityNode start, List<ValidationIssue> issues, List<EscalationLevel>? levels = null)
    {
        var timers = StepsAfter(definition, shape, start.Id, port: null).Where(a => a.Type == SlaTimerType).ToList();
        if (timers.Count == 0)
        {
            issues.Add(Error(BrokenChain, start, $"Nothing after {start.Label} sets the L1 limit: a new case would have no due time. Connect it to an SLA timer."));
            return;
        }
        var levelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var level = 1; level <= Post.MaxLevel && timers.Count > 0; level++)
        {
            var next = new List<ActivityNode>();
            foreach (var timer in timers)
            {
                if (levelOf.TryGetValue(timer.Id, out var earlier))
                {
                    issues.Add(Error(BrokenChain, timer, $"{timer.Label} is the limit of L{earlier} and again of L{level}: each level needs its own SLA timer."));
                    continue;
                }
                levelOf[timer.Id] = level;
                var onBreach = StepsAfter(definition, shape, timer.Id, "Breached");
                var escalations = onBreach.Where(a => a.Type == EscalateType).ToList();
                levels?.Add(new EscalationLevel(level, timer.Id, escalations.FirstOrDefault()?.Id, onBreach.FirstOrDefault(a => a.Type == FlagType)?.Id));
                if (level < Post.MaxLevel)
                {
                    if (escalations.Count == 0)
                    {
                        issues.Add(Error(BrokenChain, timer,
                            $"{timer.Label} is the L{level} limit, but when it runs out the case is not escalated to L{level + 1}: its Breached outcome leads to no Escalate. Connect Breached to an Escalate followed by the L{level + 1} SLA timer."));
                        continue;
                    }
                    foreach (var escalate in escalations)
                    {
                        var after = StepsAfter(definition, shape, escalate.Id, port: null).Where(a => a.Type == SlaTimerType).ToList();
                        if (after.Count == 0)
                            issues.Add(Error(BrokenChain, escalate,
                                $"{escalate.Label} moves the case to L{level + 1}, but nothing after it sets the L{level + 1} limit: the case would wait there with no due time. Connect it to the L{level + 1} SLA timer."));
                        next.AddRange(after);
                    }
                }
                else
                {
                    if (escalations.Count > 0)
                        issues.Add(Error(BrokenChain, escalations[0], $"{escalations[0].Label} escalates past L4, the top level. At L4 a breach goes to the Chief Secretary's review list (Flag for the Chief Secretary)."));
                    if (!onBreach.Any(a => a.Type == FlagType))
                        issues.Add(Error(BrokenChain, timer,
                            $"{timer.Label} is the L4 limit, but when it runs out the case is not put on the Chief Secretary's review list: its Breached outcome leads to no Flag for the Chief Secretary."));
                }
            }
            timers = next.DistinctBy(a => a.Id).ToList();
        }
    }

    /// <summary>
    /// The chain steps (SLA timers, escalations, flags) first met after <paramref name="from"/> through
    /// <paramref name="port"/> (any port when null), passing through every other activity on the way.
    /// </summary>
    private static List<ActivityNode> StepsAfter(WorkflowDefinition definition, DefinitionShape shape, string from, string? port)
    {
        var found = new List<ActivityNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var pending = new Stack<string>();
        foreach (var c in shape.From(from))
            if (port is null || c.SourcePort == port)
                pending.Push(c.Target);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (!seen.Add(id) || !definition.ActivitiesById.TryGetValue(id, out var node))
                continue;
            if (ChainSteps.Contains(node.Type))
            {
                found.Add(node);
                continue;
            }
            foreach (var c in shape.From(id))
                pending.Push(c.Target);
        }
        return found;
    }

    private static ValidationIssue Error(string code, ActivityNode a, string message) => new(ValidationSeverity.Error, code, a.Id, a.Name, message);
}

/// <summary>One level of an escalation flow: its SLA timer, and the Escalate (L1–L3) or Chief Secretary flag (L4) its breach leads to.</summary>
public sealed record EscalationLevel(int Level, string TimerId, string? EscalateId, string? FlagId);
