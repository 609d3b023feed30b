using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "SetName", DisplayNameHi = "नाम रखें", DisplayName = "Set Name", Category = "Primitives", Description = "Names the workflow instance.")]
[Input("value", "String")]
[Outcomes(Done)]
public sealed class SetName : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.WorkflowName = context.EvaluateString("value");
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
