using System.Text.Json.Nodes;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Timer", DisplayNameHi = "टाइमर", Category = "Scheduling", IsTrigger = true, Description = "As a trigger, starts the workflow every interval; inside a flow, waits one interval.")]
[Input("interval", "TimeSpan", DefaultValue = "00:01:00", UiHint = UiHints.Duration)]
[Outcomes(Done)]
public sealed class Timer : Activity, ITimerTrigger
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (context.IsTriggerStart)
            context.Complete(Done);
        else
            context.CreateTimer(context.Now + context.EvaluateTimeSpan("interval"));
        return ValueTask.CompletedTask;
    }

    public string? CheckSchedule(ActivityNode node, DateTimeOffset now, Func<string, JsonNode?> evaluate, Validation.ValidationLimits limits)
    {
        var interval = ValueConverter.ToTimeSpan(evaluate("interval"));
        if (interval < limits.MinTimerInterval)
            return $"its interval is {Validation.DurationText.Describe(interval)}; a timer trigger may start the workflow at most once every {Validation.DurationText.Describe(limits.MinTimerInterval)}.";
        return interval > limits.MaxDuration ? $"its interval is longer than {Validation.DurationText.Describe(limits.MaxDuration)}." : null;
    }

    public DateTimeOffset? NextDue(ActivityNode node, DateTimeOffset now, DateTimeOffset? lastDue, Func<string, JsonNode?> evaluate)
    {
        var interval = ValueConverter.ToTimeSpan(evaluate("interval"));
        if (interval <= TimeSpan.Zero)
            return null;
        var next = (lastDue ?? now) + interval;
        // After downtime, fire once for the missed period rather than once per missed interval.
        if (next <= now)
            next = now + interval;
        return next;
    }
}
