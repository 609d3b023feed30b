using System.Globalization;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Escalation;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>
/// Asks the complainant whether the resolution satisfied them, and asks again after a while as often
/// as configured. Completes <c>Satisfied</c> when the answer closes the case, <c>NotSatisfied</c> when it
/// reopens it. With no answer after the last follow-up the case is marked unanswered (open, counted as
/// not satisfied) and the activity keeps waiting: a complaint is never closed silently.
/// </summary>
[Activity("CaseFlow", "RequestFeedback", DisplayNameHi = "शिकायतकर्ता से पूछें", DescriptionHi = "निस्तारण के बाद शिकायतकर्ता से संतुष्टि पूछता है और उत्तर न मिलने पर फिर पूछता है।", Waits = true, DisplayName = "Ask the complainant", Category = "CaseFlow",
    Description = "Asks for feedback after a resolution, with follow-ups; completes when the complainant answers.")]
[Input("followUpAfter", "TimeSpan", DisplayNameHi = "फिर पूछें (इतने बाद)", DisplayName = "Ask again after", DefaultValue = "3.00:00:00", UiHint = UiHints.Duration)]
[Input("followUps", "Int32", DisplayNameHi = "दोबारा पूछने की संख्या", DisplayName = "Follow-ups", DefaultValue = "2", Minimum = 0, Maximum = 10, WholeNumber = true, Description = "How many times to ask again before marking the feedback unanswered.")]
[Outcomes("Satisfied", "NotSatisfied", "Closed")]
public sealed class RequestFeedback : Activity
{
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var step = await CaseActivity.StepAsync(context);
        var c = step.Case;
        if (Finish(context, c)) return;
        var followUps = CaseActivity.ReadInt(context, "followUps") ?? 2;
        CaseActivity.Apply(context, step, new AskForFeedback(c.Number, 1, followUps + 1));
        context.CreateTimer(context.Now + FollowUpAfter(context), Tags.Make(("K", "ask"), ("A", 1)));
        Listen(context);
    }

    public override async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var step = await CaseActivity.StepAsync(context);
        var c = step.Case;
        if (Finish(context, c)) return;
        var tag = context.ResumedBookmark!.Tag;
        if (Tags.Get(tag, "K") != "ask")
        {
            Listen(context);
            return;
        }
        var asked = int.Parse(Tags.Get(tag, "A")!, CultureInfo.InvariantCulture);
        var followUps = CaseActivity.ReadInt(context, "followUps") ?? 2;
        if (asked <= followUps)
        {
            CaseActivity.Apply(context, step, new AskForFeedback(c.Number, asked + 1, followUps + 1));
            context.CreateTimer(context.Now + FollowUpAfter(context), Tags.Make(("K", "ask"), ("A", asked + 1)));
        }
        else
        {
            CaseActivity.Apply(context, step, new MarkFeedbackUnanswered(c.Number, asked));
        }
    }

    private static bool Finish(ActivityExecutionContext context, Case c)
    {
        string? outcome = c.Status switch
        {
            CaseStatus.Resolved => null,
            CaseStatus.Closed => "Satisfied",
            _ when c.IsFinished() => "Closed",
            _ => "NotSatisfied",
        };
        if (outcome is null) return false;
        CaseActivity.CancelPending(context);
        context.SetVariable(CaseActivity.LevelVariable, c.Level);
        context.Complete(outcome);
        return true;
    }

    private static void Listen(ActivityExecutionContext context) =>
        context.CreateEventBookmark(CaseActivity.ChangedEvent, tag: Tags.Make(("K", "poke")));

    private static TimeSpan FollowUpAfter(ActivityExecutionContext context)
    {
        var t = context.HasInput("followUpAfter") ? context.EvaluateTimeSpan("followUpAfter") : TimeSpan.FromDays(3);
        return t > TimeSpan.Zero ? t : TimeSpan.FromDays(3);
    }
}
