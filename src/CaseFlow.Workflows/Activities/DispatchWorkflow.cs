using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "DispatchWorkflow", DisplayNameHi = "वर्कफ़्लो भेजें", DisplayName = "Dispatch Workflow", Category = "Composition",
    Description = "Starts another published workflow and continues at once; with Wait for completion, continues when it ends.")]
[Input("workflowDefinitionId", "String", Description = "The definition id of the workflow to start.")]
[Input("input", "Object", UiHint = UiHints.JavaScript, Description = "The child's inputs, e.g. ({ Message: 'Hello' }).")]
[Input("correlationId", "String", Description = "The child's correlation id; the parent's when empty.")]
[Input("waitForCompletion", "Boolean", DefaultValue = "false")]
[Outcomes(Done)]
public sealed class DispatchWorkflow : Activity
{
    // CaseFlow starts every child after the parent's step commits, so dispatching and executing differ only in name.
    public override ValueTask ExecuteAsync(ActivityExecutionContext context) => ChildWorkflowRun.StartAsync(context);

    public override ValueTask ResumeAsync(ActivityExecutionContext context) => ChildWorkflowRun.ResumeAsync(context);
}
