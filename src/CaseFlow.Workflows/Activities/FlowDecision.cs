using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "FlowDecision", DisplayNameHi = "निर्णय", DisplayName = "Decision", Category = "Branching", Description = "Follows True or False depending on a condition.")]
[Input("condition", "Boolean", UiHint = UiHints.JavaScript)]
[Outcomes("True", "False")]
public sealed class FlowDecision : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(context.EvaluateBoolean("condition") ? "True" : "False");
        return ValueTask.CompletedTask;
    }
}
