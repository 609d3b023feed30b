using System.Text.Json.Nodes;
using CaseFlow.Core.Ranking;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>
/// Prints and mails the rendered circulars. Runs after the step commits, so a step that is redone does not
/// mail twice; delivery itself skips circulars already delivered.
/// </summary>
[Activity("CaseFlow", "DeliverCircular", DisplayNameHi = "परिपत्र भेजें", DescriptionHi = "परिपत्रों को PDF में छापकर निर्देशिका के अधिकारियों को मेल करता है।", Category = "CaseFlow Review", Description = "Prints the circulars to PDF and mails them to the officers in the directory.")]
[Outcomes(Done)]
public sealed class DeliverCircular : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var ids = context.GetVariable(RenderCircular.CircularsVariable) is JsonArray array
            ? array.Select(n => n!.GetValue<long>()).ToList()
            : throw new InvalidOperationException($"{context.Node.Label}: no circulars; put CaseFlow.RenderCircular before it.");
        var review = context.GetRequiredService<IWeeklyReview>();
        context.AfterCommit(() => new ValueTask(review.DeliverAsync(ids, CancellationToken.None)));
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
