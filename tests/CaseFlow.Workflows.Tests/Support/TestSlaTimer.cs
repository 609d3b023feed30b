using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Tests.Support;

public sealed record SlaWarning(string InstanceId, string? CorrelationId, DateTimeOffset At) : IStepEffect;

/// <summary>Shaped like the domain project's SlaTimer: a computed due time from a service, a warning timer
/// that leaves it waiting, and a breach that completes it.</summary>
[Activity("CaseFlow", "SlaTimer", Category = "CaseFlow", Description = "Waits a number of working days.")]
[Input("workingDays", "Int32", DefaultValue = "3")]
[Outcomes("Breached")]
public sealed class TestSlaTimer : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var calendar = context.GetRequiredService<IWorkingCalendar>();
        var days = (int)(Expressions.ValueConverter.ToNumber(context.Evaluate("workingDays")) ?? 3);
        var due = calendar.AddWorkingDays(context.Now, days);
        context.CreateTimer(context.Now + (due - context.Now) * 0.75, "warning");
        context.CreateTimer(due, "breach");
        context.SetVariable("DueAt", due);
        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        if (context.ResumedBookmark?.Tag == "warning")
            context.AddEffect(new SlaWarning(context.InstanceId, context.CorrelationId, context.Now));
        else
            context.Complete("Breached");
        return ValueTask.CompletedTask;
    }
}
