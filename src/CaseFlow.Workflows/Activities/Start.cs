using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Start", DisplayNameHi = "शुरुआत", Category = "Flow", Description = "Where the flowchart begins.")]
[Outcomes(Done)]
public sealed class Start : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
