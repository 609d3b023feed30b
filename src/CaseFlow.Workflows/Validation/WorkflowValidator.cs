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

public sealed class WorkflowValidator(ActivityRegistry registry)
{
    public ValidationResult Validate(WorkflowDefinition definition, ValidationPurpose purpose)
    {
        var issues = new List<ValidationIssue>();
        var graph = FlowGraph.For(definition);
        var start = graph.DefaultStart;
        if (start is null)
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.NoStartActivity, null, null,
                "The flowchart has no start activity (no Elsa.Start, no activity that can start the workflow, none without inbound connections)."));
        var reachable = graph.Reachable(start);

        foreach (var a in definition.Activities)
        {
            var known = registry.IsKnown(a.Type);
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

        CheckConnections(definition, issues);
        return new ValidationResult(issues);
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
            var activity = registry.Find(source.Type);
            var descriptor = registry.Describe(source.Type);
            if (activity is null || descriptor is null)
                continue;
            var ports = descriptor.HasDynamicOutcomes ? activity.GetOutcomes(source) : descriptor.Outcomes;
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
                CheckDuration(a, input, issues);
            else if (uiHint == UiHints.Cron)
                CheckCron(a, input, issues);
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

    private static void CheckDuration(ActivityNode a, ActivityInput input, List<ValidationIssue> issues)
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
    }

    private static void CheckCron(ActivityNode a, ActivityInput input, List<ValidationIssue> issues)
    {
        try
        {
            Cron.Parse(input.Text);
        }
        catch (Exception ex) when (ex is Cronos.CronFormatException or ArgumentException)
        {
            issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidCron, a.Id, a.Name,
                $"{a.Label}: '{input.Text}' is not a valid cron expression ({ex.Message}). Use six fields with seconds first, e.g. \"0 0 * * * *\" for every hour."));
        }
    }
}
