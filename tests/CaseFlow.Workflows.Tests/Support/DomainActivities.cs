using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Tests.Support;

/// <summary>A stand-in for Core's calendar: only weekends are off.</summary>
public interface IWorkingCalendar
{
    DateTimeOffset AddWorkingDays(DateTimeOffset from, int days);
}

public sealed class WeekdayCalendar : IWorkingCalendar
{
    public DateTimeOffset AddWorkingDays(DateTimeOffset from, int days)
    {
        var at = from;
        while (days > 0)
        {
            at = at.AddDays(1);
            if (at.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                days--;
        }
        return at;
    }
}

public sealed record SlaWarning(string InstanceId, string? CorrelationId, DateTimeOffset At);

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

public sealed class FlakySwitch
{
    public bool Broken { get; set; } = true;
}

[Activity("CaseFlow", "Flaky", Category = "Test")]
[Outcomes(Done)]
public sealed class Flaky : Activity
{
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        await Task.Yield();
        if (context.GetRequiredService<FlakySwitch>().Broken)
            throw new InvalidOperationException("the notification gateway is down");
        context.Complete(Done);
    }
}
