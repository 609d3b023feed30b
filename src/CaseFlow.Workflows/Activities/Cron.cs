using System.Text.Json.Nodes;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;
using Cronos;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Cron", Category = "Scheduling", IsTrigger = true, Description = "Starts, or continues, at the next time matching a cron expression (UTC; seconds first when six fields).")]
[Input("cronExpression", "String", DefaultValue = "0 0 * * * *", UiHint = UiHints.Cron)]
[Outcomes(Done)]
public sealed class Cron : Activity, ITimerTrigger
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (context.IsTriggerStart)
        {
            context.Complete(Done);
            return ValueTask.CompletedTask;
        }
        var next = Parse(context.EvaluateString("cronExpression")).GetNextOccurrence(context.Now.UtcDateTime, TimeZoneInfo.Utc);
        if (next is null)
            throw new InvalidOperationException($"Cron expression of {context.Node.Label} has no future occurrence.");
        context.CreateTimer(new DateTimeOffset(next.Value, TimeSpan.Zero));
        return ValueTask.CompletedTask;
    }

    public DateTimeOffset? NextDue(ActivityNode node, DateTimeOffset now, DateTimeOffset? lastDue, Func<string, JsonNode?> evaluate)
    {
        var expression = Parse(ValueConverter.ToText(evaluate("cronExpression")));
        var from = lastDue is { } last && last > now ? last : now;
        var next = expression.GetNextOccurrence(from.UtcDateTime, TimeZoneInfo.Utc);
        return next is null ? null : new DateTimeOffset(next.Value, TimeSpan.Zero);
    }

    /// <summary>Six fields (Elsa's form) include seconds; five are read as standard cron.</summary>
    public static CronExpression Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new CronFormatException("The cron expression is empty.");
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }
}
