using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Escalation;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>
/// What the CaseFlow activities share. The workflow instance is correlated by case number; case events
/// reach it as <see cref="ChangedEvent"/> pokes, and activities then re-read the case: the case's state
/// is the truth and a poke only says "look again", so a duplicated or late poke cannot misfire.
/// </summary>
internal static class CaseActivity
{
    /// <summary>The event the server publishes (correlation id = case number) whenever a case changes.</summary>
    public const string ChangedEvent = "CaseChanged";

    /// <summary>The workflow variable FlowSwitch conditions read (<c>getCaseLevel()</c>) to route by level.</summary>
    public const string LevelVariable = "CaseLevel";

    /// <summary>
    /// The case this step acts on, as the step has left it so far. The host usually hands it in (read once for
    /// a batch of steps, or the very case being registered); otherwise the first activity of the step reads it
    /// and the others share that read.
    /// </summary>
    public static async Task<CaseStep> StepAsync(ActivityExecutionContext context)
    {
        if (context.Features.Get<CaseStep>() is { } step)
            return step;
        var number = context.CorrelationId
                     ?? throw new InvalidOperationException($"{context.Node.Label}: the instance has no correlation id (the case number).");
        var c = await context.GetRequiredService<ICaseStore>().FindAsync(number, context.CancellationToken)
                ?? throw new InvalidOperationException($"{context.Node.Label}: case {number} does not exist.");
        step = new CaseStep(c, ownedByCaller: false);
        context.Features.With(step);
        return step;
    }

    /// <summary>Changes the step's case now (later activities see it) and records the change for the commit.</summary>
    public static void Apply(ActivityExecutionContext context, CaseStep step, CaseEffect effect) =>
        step.Apply(effect, context.GetRequiredService<IDirectoryProvider>().Current, context.Now);

    public static void CancelPending(ActivityExecutionContext context)
    {
        foreach (var id in context.PendingBookmarkIds.ToArray())
            context.CancelBookmark(id);
    }

    public static int? ReadInt(ActivityExecutionContext context, string input) =>
        context.HasInput(input) && Workflows.Expressions.ValueConverter.ToNumber(context.Evaluate(input)) is { } n ? (int)n : null;

    public static double? ReadDouble(ActivityExecutionContext context, string input) =>
        context.HasInput(input) ? Workflows.Expressions.ValueConverter.ToNumber(context.Evaluate(input)) : null;
}

/// <summary>Small key=value tags stored on bookmarks, so an activity knows on resume what it was waiting for.</summary>
internal static class Tags
{
    public static string Make(params (string Key, object Value)[] parts) => string.Join(';', parts.Select(p => $"{p.Key}={p.Value}"));

    public static string? Get(string? tag, string key) =>
        tag?.Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == key)?[1];
}
