using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Complete", DisplayNameHi = "पूर्ण करें", Category = "Flow",
    Description = "Completes the composite that holds it (a workflow used as an activity leaves through these outcomes); in the root, the workflow.")]
[Input("outcomes", "Object", Description = "The outcome or outcomes to leave through, e.g. Success, or [\"Approved\",\"Logged\"].")]
[Outcomes]
public sealed class Complete : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var outcomes = context.HasInput("outcomes") ? context.EvaluateStringList("outcomes") : [];
        context.CompleteComposite(outcomes.Count > 0 ? outcomes : [Done]);
        return ValueTask.CompletedTask;
    }
}
