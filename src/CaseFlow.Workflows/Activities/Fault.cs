using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Fault", DisplayNameHi = "त्रुटि", Category = "Flow", Description = "Faults the instance with a message; an incident is recorded.")]
[Input("code", "String", Description = "A short machine-readable reason.")]
[Input("message", "String", UiHint = UiHints.Multiline)]
[Outcomes]
public sealed class Fault : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context) =>
        throw new WorkflowFaultException(context.EvaluateString("message") ?? "Faulted by the workflow.", context.EvaluateString("code"));
}
