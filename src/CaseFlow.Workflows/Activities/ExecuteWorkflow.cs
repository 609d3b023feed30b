using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "ExecuteWorkflow", DisplayNameHi = "वर्कफ़्लो चलाएँ", DisplayName = "Execute Workflow", Category = "Composition",
    Description = "Runs another published workflow as an instance of its own; with Wait for completion, continues when it ends, with its outputs as Result.")]
[Input("workflowDefinitionId", "String", Description = "The definition id of the workflow to run.")]
[Input("input", "Object", UiHint = UiHints.JavaScript, Description = "The child's inputs, e.g. ({ Message: 'Hello' }).")]
[Input("correlationId", "String", Description = "The child's correlation id; the parent's when empty.")]
[Input("waitForCompletion", "Boolean", DefaultValue = "false")]
[Outcomes(Done)]
public sealed class ExecuteWorkflow : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context) => ChildWorkflowRun.StartAsync(context);

    public override ValueTask ResumeAsync(ActivityExecutionContext context) => ChildWorkflowRun.ResumeAsync(context);
}
