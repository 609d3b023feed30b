using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "SetOutput", DisplayNameHi = "आउटपुट रखें", DisplayName = "Set Output", Category = "Primitives",
    Description = "Sets an output of the workflow; in a workflow used as an activity, the activity's output in the calling workflow.")]
[Input("outputName", "String", Description = "The output's name, as the definition declares it.")]
[Input("outputValue", "Object", UiHint = UiHints.JavaScript)]
[Outcomes(Done)]
public sealed class SetOutput : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = context.EvaluateString("outputName");
        if (string.IsNullOrWhiteSpace(name))
            throw new InvalidOperationException($"SetOutput {context.Node.Label} names no output.");
        context.SetWorkflowOutput(name, context.Evaluate("outputValue"));
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
