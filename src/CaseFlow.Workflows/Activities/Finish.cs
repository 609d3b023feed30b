using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Finish", DisplayNameHi = "समाप्त", Category = "Flow", Description = "Finishes the workflow, cancelling every activity still waiting.")]
[Outcomes]
public sealed class Finish : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CompleteWorkflow();
        return ValueTask.CompletedTask;
    }
}
