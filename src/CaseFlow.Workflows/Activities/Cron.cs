using System.Text.Json.Nodes;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;
using Cronos;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Cron", DisplayNameHi = "अनुसूची (क्रॉन)", Category = "Scheduling", IsTrigger = true, Description = "Starts, or continues, at the next time matching a cron expression (UTC; seconds first when six fields).")]
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

    public string? CheckSchedule(ActivityNode node, DateTimeOffset now, Func<string, JsonNode?> evaluate, Validation.ValidationLimits limits) =>
        Check(Parse(ValueConverter.ToText(evaluate("cronExpression"))), now, limits);

    /// <summary>A schedule that never fires within the horizon, or fires more often than the minimum interval.</summary>
    public static string? Check(CronExpression expression, DateTimeOffset now, Validation.ValidationLimits limits)
    {
        var next = expression.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc);
        if (next is null || next.Value - now.UtcDateTime > limits.MaxDuration)
            return $"it does not fire within {Validation.DurationText.Describe(limits.MaxDuration)} (from {now:yyyy-MM-dd}); a schedule that never fires starts nothing.";
        // The smallest gap among the next few occurrences: "every second" and "every second of 09:00" alike.
        var previous = next.Value;
        for (var i = 0; i < 8; i++)
        {
            var following = expression.GetNextOccurrence(previous, TimeZoneInfo.Utc);
            if (following is null)
                break;
            if (following.Value - previous < limits.MinTimerInterval)
                return $"it fires {Validation.DurationText.Describe(following.Value - previous)} apart; a schedule may fire at most once every {Validation.DurationText.Describe(limits.MinTimerInterval)}.";
            previous = following.Value;
        }
        return null;
    }

    /// <summary>Six fields, seconds first, as Elsa reads them.</summary>
    public static CronExpression Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new CronFormatException("The cron expression is empty.");
        // Elsa parses with seconds (six fields) only; a five-field expression would not run there, so it is refused here
        // too, with the form that means the same.
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 5)
            throw new CronFormatException($"it has five fields; Elsa's cron has six, seconds first: write \"0 {string.Join(' ', fields)}\".");
        return CronExpression.Parse(text, CronFormat.IncludeSeconds);
    }
}
