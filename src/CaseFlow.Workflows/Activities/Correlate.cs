using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Correlate", DisplayNameHi = "सहसंबंध", Category = "Primitives", Description = "Sets the instance's correlation id; later event waits use it.")]
[Input("correlationId", "String")]
[Outcomes(Done)]
public sealed class Correlate : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CorrelationId = context.EvaluateString("correlationId");
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
