using System.Text.Json;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Validation;

public enum ValidationPurpose
{
    /// <summary>Saving a draft: problems are reported, nothing is refused; unknown types are warnings.</summary>
    Save,

    /// <summary>Publishing: any error refuses it; an unknown type the flow would run is an error.</summary>
    Publish,
}

/// <param name="rules">The host's domain rules, run after the engine's own checks.</param>
public sealed class WorkflowValidator(ActivityRegistry registry, ValidationLimits? limits = null, IReadOnlyList<IDefinitionRule>? rules = null)
{
    private readonly ValidationLimits _limits = limits ?? ValidationLimits.Default;

    public ValidationLimits Limits => _limits;

    /// <summary>Whether a node runs a published workflow as an activity (set by the definition service).</summary>
    public Func<ActivityNode, bool> IsWorkflowActivity { get; init; } = _ => false;

    /// <summary>The version in force of the workflow a node runs as an activity, for its declared inputs; null if unknown.</summary>
    public Func<ActivityNode, WorkflowDefinition?> WorkflowActivityDefinition { get; init; } = _ => null;

    /// <summary>The flow's start, what it reaches and its connections: what domain rules (and views of the flow built on them) read.</summary>
    public static DefinitionShape Shape(WorkflowDefinition definition)
    {
        var graph = FlowGraph.For(definition);
        var start = graph.DefaultStart;
        var from = graph.Outbound.ToDictionary(kv => kv.Key, kv => kv.Value.Select(ci => graph.Connections[ci]).ToList(), StringComparer.Ordinal);
        return new DefinitionShape(start, graph.Reachable(start), from);
    }

    public ValidationResult Validate(WorkflowDefinition definition, ValidationPurpose purpose)
    {
        var issues = new List<ValidationIssue>();
        var graph = FlowGraph.For(definition);
        var start = graph.DefaultStart;
        // An empty flowchart is valid in Elsa: it finishes as soon as it starts.
        if (start is null && definition.Activities.Count > 0)
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.NoStartActivity, null, null,
                "The flowchart has no start activity (no Elsa.Start, no activity that can start the workflow, none without inbound connections)."));
        var reachable = graph.Reachable(start);

        foreach (var a in definition.Activities)
        {
            var known = registry.IsKnown(a.Type) || Composites.IsBuiltIn(a.Type) || IsWorkflowActivity(a);
            if (!known)
            {
                var runs = reachable.Contains(a.Id);
                var severity = purpose == ValidationPurpose.Publish && runs ? ValidationSeverity.Error : ValidationSeverity.Warning;
                issues.Add(new(severity, ValidationCodes.UnknownActivityType, a.Id, a.Name,
                    $"{a.Label} has type '{a.Type}', which this server cannot run" + (runs ? "; the flow reaches it from the start." : "; it is kept but never reached.")));
            }
            if (start is not null && !reachable.Contains(a.Id))
                issues.Add(new(ValidationSeverity.Warning, ValidationCodes.UnreachableActivity, a.Id, a.Name, $"{a.Label} cannot be reached from the start activity."));
            CheckInputs(a, issues);
        }

        foreach (var a in definition.Activities)
            CheckComposite(a, purpose, reachable.Contains(a.Id), issues);
        CheckConnections(definition, issues);
        CheckLoops(definition, graph, issues);
        if (rules is { Count: > 0 })
        {
            var from = graph.Outbound.ToDictionary(kv => kv.Key, kv => kv.Value.Select(ci => graph.Connections[ci]).ToList(), StringComparer.Ordinal);
            var shape = new DefinitionShape(start, reachable, from);
            foreach (var rule in rules)
                issues.AddRange(rule.Check(definition, shape, purpose));
        }
        // A rule may make an unreachable activity an error (an escalation step nothing leads to); the warning saying
        // the same is then noise.
        issues.RemoveAll(w => w.Severity == ValidationSeverity.Warning && w.Code == ValidationCodes.UnreachableActivity
                              && issues.Any(e => e.Severity == ValidationSeverity.Error && e.Code == w.Code && e.ActivityId == w.ActivityId));
        return new ValidationResult(issues);
    }

    /// <summary>
    /// What a composite holds is checked as the root's activities are, each issue naming the nested activity: its type
    /// must be one this server runs, its inputs well formed. A workflow used as an activity must be given values its
    /// declared inputs can hold, and a While whose condition is always true needs a Break or a wait in its body.
    /// </summary>
    private void CheckComposite(ActivityNode a, ValidationPurpose purpose, bool runs, List<ValidationIssue> issues)
    {
        if (WorkflowActivityDefinition(a) is { } child)
            foreach (var (name, type) in child.InputTypes)
                if (a.GetInput(name) is { IsLiteral: true } given && !Holds(type, given.Text))
                    issues.Add(new(ValidationSeverity.Error, ValidationCodes.InputTypeMismatch, a.Id, a.Name,
                        $"{a.Label}: input '{name}' of workflow '{child.DefinitionId}' is declared {type}, and '{given.Text}' is not one."));
        if (!Composites.IsBuiltIn(a.Type))
            return;
        var children = Nested(a).ToList();
        foreach (var c in children)
        {
            if (!(registry.IsKnown(c.Type) || Composites.IsBuiltIn(c.Type) || IsWorkflowActivity(c)))
                issues.Add(new(purpose == ValidationPurpose.Publish && runs ? ValidationSeverity.Error : ValidationSeverity.Warning, ValidationCodes.UnknownActivityType, c.Id, c.Name,
                    $"{c.Label}, inside {a.Label}, has type '{c.Type}', which this server cannot run."));
            else
                CheckInputs(c, issues);
            CheckComposite(c, purpose, runs, issues);
        }
        if (a.Type == Composites.While && a.GetInput("condition") is { } condition && condition.Text?.Trim() is "true" or "True"
            && !Descendants(a).Any(d => d.Type == "Elsa.Break" || registry.Describe(d.Type) is { Waits: true }))
            issues.Add(new(ValidationSeverity.Warning, ValidationCodes.LoopWithoutWait, a.Id, a.Name,
                $"{a.Label} loops while 'true' with no Break and nothing that waits in its body; the instance faults when its step budget runs out."));
    }

    private static IEnumerable<ActivityNode> Nested(ActivityNode a) =>
        a.Children("activities").Concat(new[] { a.Child("body"), a.Child("then"), a.Child("else") }.Where(c => c is not null).Select(c => c!));

    private static IEnumerable<ActivityNode> Descendants(ActivityNode a) => Nested(a).SelectMany(c => Descendants(c).Prepend(c));

    private static bool Holds(string type, string? text) => type switch
    {
        "Int16" or "Int32" or "Int64" or "Byte" => long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        "Single" or "Double" or "Decimal" => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _),
        "Boolean" => bool.TryParse(text, out _),
        _ => true,
    };

    /// <summary>
    /// A cycle of activities none of which can wait runs without end in one step. Unconditional (nothing in
    /// it could choose another way), it is an error; behind a decision it may end, so it is a warning (the
    /// runtime's step budget still stops it if it does not).
    /// </summary>
    private void CheckLoops(WorkflowDefinition definition, FlowGraph graph, List<ValidationIssue> issues)
    {
        foreach (var cycle in StronglyConnected(definition, graph))
        {
            var nodes = cycle.Select(id => definition.ActivitiesById[id]).ToList();
            if (nodes.Any(n => registry.Describe(n.Type) is not { } d || d.Waits))
                continue;
            var decision = nodes.FirstOrDefault(n => registry.Describe(n.Type) is { } d && (d.HasDynamicOutcomes || d.Outcomes.Count > 1));
            var names = string.Join(" → ", nodes.Take(6).Select(n => n.Label)) + (nodes.Count > 6 ? " → …" : "");
            var first = nodes[0];
            issues.Add(decision is null
                ? new(ValidationSeverity.Error, ValidationCodes.LoopWithoutWait, first.Id, first.Name,
                    $"{names} form a loop with nothing in it that waits (a Delay, Timer, Event or SLA timer), so it would run forever without stopping. Add a wait, or a decision that leaves the loop.")
                : new(ValidationSeverity.Warning, ValidationCodes.LoopWithoutWait, decision.Id, decision.Name,
                    $"{names} form a loop with nothing in it that waits; only {decision.Label} can leave it. If it never does, the instance faults when its step budget runs out."));
        }
    }

    /// <summary>Tarjan's strongly connected components, iteratively; only the cycles (several activities, or one connected to itself).</summary>
    private static List<List<string>> StronglyConnected(WorkflowDefinition definition, FlowGraph graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        var counter = 0;
        foreach (var root in definition.Activities)
        {
            if (index.ContainsKey(root.Id))
                continue;
            var work = new Stack<(string Id, int Next)>();
            work.Push((root.Id, 0));
            while (work.Count > 0)
            {
                var (id, next) = work.Pop();
                if (next == 0)
                {
                    index[id] = low[id] = counter++;
                    stack.Push(id);
                    onStack.Add(id);
                }
                var outs = graph.Outbound[id];
                if (next < outs.Count)
                {
                    work.Push((id, next + 1));
                    var target = graph.Connections[outs[next]].Target;
                    if (!index.ContainsKey(target))
                        work.Push((target, 0));
                    else if (onStack.Contains(target))
                        low[id] = Math.Min(low[id], index[target]);
                    continue;
                }
                if (low[id] == index[id])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    } while (member != id);
                    var selfLoop = component.Count == 1 && outs.Any(ci => graph.Connections[ci].Target == id);
                    if (component.Count > 1 || selfLoop)
                    {
                        component.Reverse();
                        result.Add(component);
                    }
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Id;
                    low[parent] = Math.Min(low[parent], low[id]);
                }
            }
        }
        return result;
    }

    private void CheckConnections(WorkflowDefinition definition, List<ValidationIssue> issues)
    {
        foreach (var c in definition.Connections)
        {
            definition.ActivitiesById.TryGetValue(c.Source, out var source);
            definition.ActivitiesById.TryGetValue(c.Target, out var target);
            if (source is null || target is null)
            {
                var missing = source is null ? $"source '{c.Source}'" : $"target '{c.Target}'";
                var known = source ?? target;
                issues.Add(new(ValidationSeverity.Error, ValidationCodes.DanglingConnection, known?.Id, known?.Name,
                    $"The connection {c.Source}:{c.SourcePort} → {c.Target}:{c.TargetPort} has an unknown {missing}."));
                continue;
            }
            if (!registry.IsKnown(source.Type))
                continue;
            var ports = registry.PortsOf(source);
            if (!ports.Contains(c.SourcePort, StringComparer.Ordinal))
                issues.Add(new(ValidationSeverity.Error, ValidationCodes.UnknownPort, source.Id, source.Name,
                    $"{source.Label} has no port '{c.SourcePort}' (ports: {(ports.Count == 0 ? "none" : string.Join(", ", ports))}); the connection to {target.Label} would never be followed."));
        }
    }

    private void CheckInputs(ActivityNode a, List<ValidationIssue> issues)
    {
        var descriptor = registry.Describe(a.Type);
        foreach (var input in a.Inputs.Values)
        {
            var declared = descriptor?.Inputs.FirstOrDefault(i => string.Equals(i.Name, input.Name, StringComparison.OrdinalIgnoreCase));
            // Inputs an activity does not declare (Elsa 3.0's `strategy` on Delay) are kept but never evaluated.
            if (descriptor is not null && declared is null)
                continue;
            switch (input.ExpressionType)
            {
                case ExpressionTypes.JavaScript:
                    CheckScript(a, input.Name, input.Text, issues);
                    continue;
                case ExpressionTypes.Literal or ExpressionTypes.Object or ExpressionTypes.Variable:
                    break;
                default:
                    issues.Add(new(ValidationSeverity.Error, ValidationCodes.UnsupportedExpression, a.Id, a.Name,
                        $"{a.Label}: input '{input.Name}' uses expression type '{input.ExpressionType}', which CaseFlow does not evaluate."));
                    continue;
            }
            if (!input.IsLiteral)
                continue;
            var typeName = input.TypeName ?? declared?.TypeName;
            var uiHint = declared?.UiHint;
            if (typeName == "TimeSpan" || uiHint == UiHints.Duration)
                CheckDuration(a, input, descriptor?.IsTrigger == true && a.CanStartWorkflow && input.Name == "interval", issues);
            else if (uiHint == UiHints.Cron)
                CheckCron(a, input, issues);
            else if (declared is not null && (declared.Minimum is not null || declared.Maximum is not null || declared.WholeNumber))
                CheckNumber(a, input, declared, issues);
            else if (declared?.Choices is { Count: > 0 } choices && input.Text is { Length: > 0 } choice && !choices.Contains(choice, StringComparer.Ordinal))
                issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidChoice, a.Id, a.Name,
                    $"{a.Label}: '{declared.DisplayName}' is \"{choice}\"; it must be one of {string.Join(", ", choices)}."));
            else if (uiHint == UiHints.DateTime && input.Text is { Length: > 0 } dt && !DateTimeOffset.TryParse(dt, System.Globalization.CultureInfo.InvariantCulture, out _))
                issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidDateTime, a.Id, a.Name, $"{a.Label}: '{dt}' is not a date and time."));
        }

        if (a.Type == "Elsa.FlowSwitch")
        {
            foreach (var (label, condition) in FlowSwitch.ReadCases(a))
            {
                if (condition.ValueKind == JsonValueKind.Object && ActivityNode.Str(condition, "type") == ExpressionTypes.JavaScript)
                    CheckScript(a, $"case '{label}'", ActivityNode.Str(condition, "value"), issues);
            }
        }
    }

    private static void CheckScript(ActivityNode a, string where, string? script, List<ValidationIssue> issues)
    {
        if (string.IsNullOrWhiteSpace(script))
            return;
        try
        {
            JavaScriptEvaluator.Parse(script);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidScript, a.Id, a.Name, $"{a.Label}: the script of '{where}' does not parse: {ex.Message}"));
        }
    }

    private void CheckNumber(ActivityNode a, ActivityInput input, InputDescriptor declared, List<ValidationIssue> issues)
    {
        var text = input.Text;
        if (string.IsNullOrWhiteSpace(text))
            return;
        var range = declared.Minimum is { } min && declared.Maximum is { } max ? $"from {min} to {max}"
            : declared.Minimum is { } m ? $"at least {m}" : declared.Maximum is { } x ? $"at most {x}" : "a number";
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidNumber, a.Id, a.Name, $"{a.Label}: '{declared.DisplayName}' is \"{text}\", which is not a number; it must be {range}."));
        else if (declared.WholeNumber && !double.IsInteger(value))
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidNumber, a.Id, a.Name, $"{a.Label}: '{declared.DisplayName}' is {text}; it must be a whole number {range}."));
        else if (value < declared.Minimum || value > declared.Maximum)
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.OutOfRange, a.Id, a.Name, $"{a.Label}: '{declared.DisplayName}' is {text}; it must be {range}."));
    }

    private void CheckDuration(ActivityNode a, ActivityInput input, bool triggerInterval, List<ValidationIssue> issues)
    {
        var text = input.Text;
        if (string.IsNullOrWhiteSpace(text))
            return;
        if (DurationText.IsAmbiguous(text, out var intended))
        {
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.AmbiguousDuration, a.Id, a.Name,
                $"{a.Label}: '{input.Name}' is \"{text}\", which Elsa reads as {(TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var read) ? DurationText.Describe(read) : "an invalid value")}, not {DurationText.Describe(intended)}. " +
                $"Write \"{DurationText.Format(intended)}\" (d.hh:mm:ss) for {DurationText.Describe(intended)}."));
            return;
        }
        if (!ValueConverter.TryParseDuration(text, out var value))
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidDuration, a.Id, a.Name,
                $"{a.Label}: '{input.Name}' is \"{text}\", which is not a duration; use d.hh:mm:ss, e.g. \"3.00:00:00\" for 3 days."));
        else if (value < TimeSpan.Zero)
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidDuration, a.Id, a.Name, $"{a.Label}: '{input.Name}' is negative (\"{text}\")."));
        else if (value > _limits.MaxDuration)
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.OutOfRange, a.Id, a.Name,
                $"{a.Label}: '{input.Name}' is {DurationText.Describe(value)}; the longest this server accepts is {DurationText.Describe(_limits.MaxDuration)}."));
        else if (triggerInterval && value < _limits.MinTimerInterval)
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.OutOfRange, a.Id, a.Name,
                $"{a.Label}: the interval is {DurationText.Describe(value)}; a timer trigger may start the workflow at most once every {DurationText.Describe(_limits.MinTimerInterval)}."));
    }

    private void CheckCron(ActivityNode a, ActivityInput input, List<ValidationIssue> issues)
    {
        try
        {
            // Checked against a fixed reference time: a definition's validity must not depend on the day it is saved.
            if (Cron.Check(Cron.Parse(input.Text), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), _limits) is { } problem)
                issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidCron, a.Id, a.Name, $"{a.Label}: '{input.Text}' {problem}"));
        }
        catch (Exception ex) when (ex is Cronos.CronFormatException or ArgumentException)
        {
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidCron, a.Id, a.Name,
                $"{a.Label}: '{input.Text}' is not a valid cron expression ({ex.Message}). Use six fields with seconds first, e.g. \"0 0 * * * *\" for every hour."));
        }
    }
}
