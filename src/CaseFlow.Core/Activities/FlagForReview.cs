using CaseFlow.Core.Escalation;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>The limit ran out at the top level: the case goes on the Chief Secretary's review list.</summary>
[Activity("CaseFlow", "FlagForReview", DisplayName = "Flag for the Chief Secretary", Category = "CaseFlow",
    Description = "Records the breach and puts the case on the Chief Secretary's review list.")]
[Outcomes(Done)]
public sealed class FlagForReview : Activity
{
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var step = await CaseActivity.StepAsync(context);
        CaseActivity.Apply(context, step, new FlagForChiefSecretary(step.Case.Number));
        context.Complete(Done);
    }
}
