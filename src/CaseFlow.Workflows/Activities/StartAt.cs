using System.Text.Json.Nodes;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "StartAt", DisplayNameHi = "इस समय शुरू", Waits = true, DisplayName = "Start At", Category = "Scheduling", IsTrigger = true, Description = "Starts, or continues, at a given instant.")]
[Input("dateTime", "DateTimeOffset", UiHint = UiHints.DateTime)]
[Outcomes(Done)]
public sealed class StartAt : Activity, ITimerTrigger
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var at = context.EvaluateDateTimeOffset("dateTime");
        if (context.IsTriggerStart || at <= context.Now)
            context.Complete(Done);
        else
            context.CreateTimer(at);
        return ValueTask.CompletedTask;
    }

    public string? CheckSchedule(ActivityNode node, DateTimeOffset now, Func<string, JsonNode?> evaluate, Validation.ValidationLimits limits) =>
        ValueConverter.ToDateTimeOffset(evaluate("dateTime")) - now > limits.MaxDuration
            ? $"it starts more than {Validation.DurationText.Describe(limits.MaxDuration)} from now."
            : null;

    public DateTimeOffset? NextDue(ActivityNode node, DateTimeOffset now, DateTimeOffset? lastDue, Func<string, JsonNode?> evaluate)
    {
        // One shot: once it has fired there is no next time.
        if (lastDue is not null)
            return null;
        return ValueConverter.ToDateTimeOffset(evaluate("dateTime"));
    }
}
