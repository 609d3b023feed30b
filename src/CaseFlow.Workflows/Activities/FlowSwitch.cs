using System.Text.Json;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

/// <summary>Elsa writes cases as a plain array, not an input:
/// <c>"cases":[{"label":"High","condition":{"type":"JavaScript","value":"..."}}]</c>, plus a <c>mode</c> input.</summary>
[Activity("Elsa", "FlowSwitch", DisplayNameHi = "विकल्प", DisplayName = "Switch", Category = "Branching", Description = "Follows the port of the first matching case (or every match), else Default.")]
[Input("cases", "FlowSwitchCase[]", UiHint = UiHints.Cases)]
[Input("mode", "Elsa.Workflows.Activities.Flowchart.Models.SwitchMode, Elsa.Workflows.Core", DefaultValue = "MatchFirst", UiHint = UiHints.Dropdown)]
[Outcomes(DefaultPort, Dynamic = true)]
public sealed class FlowSwitch : Activity
{
    public const string DefaultPort = "Default";

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var matchAny = string.Equals(context.EvaluateString("mode"), "MatchAny", StringComparison.OrdinalIgnoreCase);
        var matched = new List<string>();
        foreach (var (label, condition) in ReadCases(context.Node))
        {
            if (condition.ValueKind != JsonValueKind.Object)
                continue;
            var type = ActivityNode.Str(condition, "type") ?? ExpressionTypes.Literal;
            var value = condition.TryGetProperty("value", out var v) ? v : default;
            if (!ValueConverter.ToBoolean(context.Evaluate(type, value, "Boolean")))
                continue;
            matched.Add(label);
            if (!matchAny)
                break;
        }
        context.Complete(matched.Count == 0 ? [DefaultPort] : matched.ToArray());
        return ValueTask.CompletedTask;
    }

    public override IReadOnlyList<string> GetOutcomes(ActivityNode node) =>
        ReadCases(node).Select(c => c.Label).Append(DefaultPort).Distinct().ToList();

    public static IEnumerable<(string Label, JsonElement Condition)> ReadCases(ActivityNode node)
    {
        if (!node.Element.TryGetProperty("cases", out var cases))
            yield break;
        // Some writers wrap the array as an Object input holding a JSON string.
        if (cases.ValueKind == JsonValueKind.Object && cases.TryGetProperty("expression", out var expression)
            && expression.TryGetProperty("value", out var wrapped) && wrapped.ValueKind == JsonValueKind.String)
            cases = JsonDocument.Parse(wrapped.GetString()!).RootElement.Clone();
        if (cases.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var c in cases.EnumerateArray())
        {
            var label = ActivityNode.Str(c, "label");
            if (label is null)
                continue;
            yield return (label, c.TryGetProperty("condition", out var condition) ? condition : default);
        }
    }
}
