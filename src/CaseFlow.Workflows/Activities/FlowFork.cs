using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "FlowFork", DisplayNameHi = "शाखाएँ", DisplayName = "Fork", Category = "Branching", Description = "Continues along every branch at once.")]
[Input("branches", "String[]", UiHint = UiHints.StringList, Description = "Branch names; each becomes a port.")]
[Outcomes(Dynamic = true)]
public sealed class FlowFork : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(context.EvaluateStringList("branches").ToArray());
        return ValueTask.CompletedTask;
    }

    public override IReadOnlyList<string> GetOutcomes(ActivityNode node)
    {
        var input = node.GetInput("branches");
        if (input is null || input.ExpressionType is not (ExpressionTypes.Object or ExpressionTypes.Literal))
            return [];
        try
        {
            return ValueConverter.ToStringList(System.Text.Json.Nodes.JsonValue.Create(input.Text));
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
