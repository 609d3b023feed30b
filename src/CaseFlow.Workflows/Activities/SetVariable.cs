using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "SetVariable", DisplayNameHi = "चर का मान रखें", DisplayName = "Set Variable", Category = "Primitives", Description = "Assigns a value to a workflow variable.")]
[Input("variable", "Variable", UiHint = UiHints.Variable, Description = "The variable, referenced by id as Elsa writes it.")]
[Input("value", "Object", UiHint = UiHints.JavaScript)]
[Outcomes(Done)]
public sealed class SetVariable : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        // Elsa writes the variable as a plain object, not an input: {"id":..., "name":...}.
        var key = context.Node.Element.TryGetProperty("variable", out var variable)
            ? ActivityNode.Str(variable, "id") ?? ActivityNode.Str(variable, "name") ?? (variable.ValueKind == System.Text.Json.JsonValueKind.String ? variable.GetString() : null)
            : null;
        if (key is null)
            throw new InvalidOperationException($"SetVariable {context.Node.Label} names no variable.");
        context.SetVariable(key, context.Evaluate("value"));
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
