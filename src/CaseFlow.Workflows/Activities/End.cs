using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "End", DisplayNameHi = "अंत", Category = "Flow", Description = "Completes the flowchart at once, cancelling every activity still waiting.")]
[Outcomes]
public sealed class End : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CompleteWorkflow();
        return ValueTask.CompletedTask;
    }
}
