using CaseFlow.Core.Escalation;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>
/// Moves the case one level up after its limit ran out (L1 → L2 → L3, the Head of Department → L4).
/// The change is applied with the workflow step, so it happens exactly once; a case that was resolved
/// or escalated by hand meanwhile is left alone.
/// </summary>
[Activity("CaseFlow", "Escalate", DisplayNameHi = "अगले स्तर पर भेजें", DescriptionHi = "समय-सीमा बीतने पर शिकायत को अगले स्तर के पद पर भेजता है।", Category = "CaseFlow", Description = "Escalates the case to the next level's post and records the breach.")]
[Outcomes(Done)]
public sealed class Escalate : Activity
{
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var step = await CaseActivity.StepAsync(context);
        var c = step.Case;
        var from = context.GetVariable<int?>(CaseActivity.LevelVariable) ?? c.Level;
        CaseActivity.Apply(context, step, new EscalateOnBreach(c.Number, from));
        context.SetVariable(CaseActivity.LevelVariable, Math.Min(from + 1, Directory.Post.MaxLevel));
        context.Complete(Done);
    }
}
