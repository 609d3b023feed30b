using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Delay", DisplayNameHi = "प्रतीक्षा", Waits = true, Category = "Scheduling", Description = "Waits for a duration (d.hh:mm:ss), durably.")]
[Input("timeSpan", "TimeSpan", DefaultValue = "00:01:00", UiHint = UiHints.Duration)]
[Outcomes(Done)]
public sealed class Delay : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var duration = context.EvaluateTimeSpan("timeSpan");
        if (duration <= TimeSpan.Zero)
            context.Complete(Done);
        else
            context.CreateTimer(context.Now + duration);
        return ValueTask.CompletedTask;
    }
}
