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
    /// The case as this step will leave it: as stored, with the effects earlier activities of the step
    /// added applied on top (an Escalate followed by the next level's SlaTimer must see the new level).
    /// </summary>
    public static async Task<Case> LoadAsync(ActivityExecutionContext context)
    {
        var number = context.CorrelationId
                     ?? throw new InvalidOperationException($"{context.Node.Label}: the instance has no correlation id (the case number).");
        var c = await context.GetRequiredService<ICaseStore>().FindAsync(number, context.CancellationToken)
                ?? throw new InvalidOperationException($"{context.Node.Label}: case {number} does not exist.");
        var pending = context.PendingEffects.OfType<CaseEffect>().Where(e => e.CaseNumber == number).ToList();
        if (pending.Count > 0)
        {
            var directory = context.GetRequiredService<IDirectoryProvider>().Current;
            foreach (var effect in pending)
                effect.Apply(c, directory, context.Now);
        }
        return c;
    }

    public static bool IsWorkable(Case c) => c.Status is CaseStatus.Registered or CaseStatus.InProgress or CaseStatus.Reopened;

    /// <summary>Closed for good: satisfied, force closed, or a special close that review will not reopen.</summary>
    public static bool IsFinished(Case c) =>
        c.Status is CaseStatus.Closed or CaseStatus.ForceClosed
        || (c.Status == CaseStatus.SpecialClosed && c.SpecialCloseReview is not SpecialCloseReview.Pending);

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
