using System.Globalization;
using CaseFlow.Core.Calendars;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Escalation;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>
/// The time limit of the level the case is at: working days on a calendar, or a plain duration for
/// urgent categories. Sets the case's due time, warns at a share of the limit, and completes with
/// <c>Breached</c> when it runs out. It stops the clock while a special close or transfer is pending
/// and restarts it where it stood if the proposal is rejected or reversed; it completes with
/// <c>Resolved</c>, <c>Closed</c> or <c>Moved</c> (the case changed level or department by hand) as
/// soon as the case does.
/// </summary>
[Activity("CaseFlow", "SlaTimer", DisplayNameHi = "SLA समय-सीमा", DescriptionHi = "वर्तमान स्तर की समय-सीमा: नियत समय तय करता है, चेतावनी देता है, और समय बीतने पर Breached पूरा करता है।", Waits = true, DisplayName = "SLA timer", Category = "CaseFlow",
    Description = "The current level's time limit: sets the due time, warns, and completes Breached when it runs out.")]
[Input("workingDays", "Int32", DisplayNameHi = "कार्य दिवस", DescriptionHi = "कैलेंडर पर कार्य दिवसों में समय-सीमा (साप्ताहिक अवकाश और छुट्टियाँ छोड़कर)। अवधि दी हो तो यह नहीं गिना जाता।", DisplayName = "Working days", DefaultValue = "7", UiHint = "working-days", Minimum = 1, Maximum = 250, WholeNumber = true,
    Description = "Limit in working days on the calendar (weekly offs and holidays excluded). Ignored when a duration is set.")]
[Input("duration", "TimeSpan", DisplayNameHi = "अवधि", DescriptionHi = "सीधी अवधि (d.hh:mm:ss) में समय-सीमा, जैसे तात्कालिक शिकायतों के लिए 0.06:00:00। कार्य दिवसों के स्थान पर।", DisplayName = "Duration", UiHint = UiHints.Duration,
    Description = "Limit as a plain duration (d.hh:mm:ss), e.g. 0.06:00:00 for urgent complaints. Overrides working days.")]
[Input("calendar", "String", DisplayNameHi = "कैलेंडर", DescriptionHi = "वह छुट्टियों का कैलेंडर जिस पर कार्य दिवस गिने जाते हैं।", DisplayName = "Calendar", DefaultValue = ICalendarProvider.DefaultId, UiHint = UiHints.Calendar,
    Description = "The holiday calendar the working days are counted on.")]
[Input("warningShare", "Double", DisplayNameHi = "चेतावनी (हिस्सा)", DescriptionHi = "समय-सीमा का वह हिस्सा जिसके बाद अधिकारी को चेतावनी दी जाती है (0: कोई चेतावनी नहीं)।", DisplayName = "Warn at share", DefaultValue = "0.75", Minimum = 0, Maximum = 0.99, UiHint = UiHints.Share,
    Description = "Share of the limit after which the assigned officer is warned (0 for no warning).")]
[Outcomes("Breached", "Resolved", "Closed", "Moved")]
public sealed class SlaTimer : Activity
{
    private const string Breach = "breach";
    private const string Warn = "warn";
    private const string Poke = "poke";

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var step = await CaseActivity.StepAsync(context);
        var c = step.Case;
        if (Finish(context, c, c.Level, c.Department)) return;
        if (!c.Status.IsWorkable())
        {
            Wait(context, c.Level, c.Department, context.Now);
            return;
        }
        var (due, limit) = DueFrom(context, context.Now);
        CaseActivity.Apply(context, step, new SetDueTime(c.Number, c.Level, due, limit));
        Arm(context, c.Level, c.Department, context.Now, due, warned: false);
    }

    public override async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var tag = context.ResumedBookmark!.Tag;
        var level = int.Parse(Tags.Get(tag, "L")!, CultureInfo.InvariantCulture);
        var department = Tags.Get(tag, "D")!;
        var start = new DateTimeOffset(long.Parse(Tags.Get(tag, "S")!, CultureInfo.InvariantCulture), TimeSpan.Zero);
        var kind = Tags.Get(tag, "K");
        var step = await CaseActivity.StepAsync(context);
        var c = step.Case;
        if (Finish(context, c, level, department)) return;

        if (!c.Status.IsWorkable())
        {
            // A proposal is pending: the clock stops (the case keeps what was left) until it is decided.
            CaseActivity.CancelPending(context);
            Wait(context, level, department, start);
            return;
        }
        if (kind == Breach && c.DueAt is { } dueAt && dueAt <= context.Now)
        {
            CaseActivity.CancelPending(context);
            context.SetVariable(CaseActivity.LevelVariable, c.Level);
            context.Complete("Breached");
            return;
        }
        if (kind == Warn)
        {
            // The breach timer and the poke listener are still pending; only the warning is due.
            if (c.DueAt is { } warnDue)
                CaseActivity.Apply(context, step, new RaiseWarning(c.Number, level, warnDue));
            return;
        }

        {
            // After a pause the case carries its restored due time; re-arm on it (or afresh if it has none).
            CaseActivity.CancelPending(context);
            var due = c.DueAt;
            if (due is null)
            {
                var (fresh, limit) = DueFrom(context, context.Now);
                CaseActivity.Apply(context, step, new SetDueTime(c.Number, c.Level, fresh, limit));
                due = fresh;
                start = context.Now;
            }
            Arm(context, level, department, start, due.Value, warned: c.WarnedAt is not null);
        }
    }

    /// <summary>Completes when the case has left this clock's hands; true if it did.</summary>
    private static bool Finish(ActivityExecutionContext context, Cases.Case c, int level, string department)
    {
        string? outcome = null;
        if (c.IsFinished()) outcome = "Closed";
        else if (c.Status == Cases.CaseStatus.Resolved) outcome = "Resolved";
        else if (c.Status.IsWorkable() && (c.Level != level || c.Department != department)) outcome = "Moved";
        if (outcome is null) return false;
        CaseActivity.CancelPending(context);
        context.SetVariable(CaseActivity.LevelVariable, c.Level);
        context.Complete(outcome);
        return true;
    }

    private static void Arm(ActivityExecutionContext context, int level, string department, DateTimeOffset start, DateTimeOffset due, bool warned)
    {
        context.CreateTimer(due, Tags.Make(("K", Breach), ("L", level), ("D", department), ("S", start.UtcTicks)));
        var share = CaseActivity.ReadDouble(context, "warningShare") ?? 0.75;
        if (!warned && share is > 0 and < 1)
        {
            var warnAt = start + (due - start) * share;
            if (warnAt > context.Now)
                context.CreateTimer(warnAt, Tags.Make(("K", Warn), ("L", level), ("D", department), ("S", start.UtcTicks)));
        }
        Listen(context, level, department, start);
    }

    private static void Wait(ActivityExecutionContext context, int level, string department, DateTimeOffset start) =>
        Listen(context, level, department, start);

    private static void Listen(ActivityExecutionContext context, int level, string department, DateTimeOffset start) =>
        context.CreateEventBookmark(CaseActivity.ChangedEvent, tag: Tags.Make(("K", Poke), ("L", level), ("D", department), ("S", start.UtcTicks)));

    /// <summary>The due time from a start, and the limit in words for the case history.</summary>
    private static (DateTimeOffset Due, string Limit) DueFrom(ActivityExecutionContext context, DateTimeOffset start)
    {
        TimeSpan? duration = context.HasInput("duration") && context.EvaluateString("duration") is { Length: > 0 } ? context.EvaluateTimeSpan("duration") : null;
        var days = CaseActivity.ReadInt(context, "workingDays") ?? DefaultWorkingDays;
        var calendarId = (context.HasInput("calendar") ? context.EvaluateString("calendar") : null) ?? ICalendarProvider.DefaultId;
        return Due(start, duration, days, context.GetRequiredService<ICalendarProvider>().Get(calendarId));
    }

    public const int DefaultWorkingDays = 7;

    /// <summary>
    /// When a limit that starts at <paramref name="start"/> runs out: a plain duration when one is set, else working days on
    /// the calendar. The one rule, used by the running timer and by the designer's simulator and what-if preview.
    /// </summary>
    public static (DateTimeOffset Due, string Limit) Due(DateTimeOffset start, TimeSpan? duration, int workingDays, WorkingCalendar calendar) =>
        duration is { } d && d > TimeSpan.Zero
            ? (start + d, Workflows.Validation.DurationText.Describe(d))
            : (calendar.AddWorkingDays(start, workingDays), workingDays == 1 ? "1 working day" : $"{workingDays} working days");
}
