using CaseFlow.Core.Ranking;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>Finds the complaint types that keep coming in the ranking's last week, with the department that owns each.</summary>
[Activity("CaseFlow", "DetectRecurringComplaints", DisplayNameHi = "बार-बार आने वाली शिकायतें", DescriptionHi = "एक ही तरह की बार-बार आने वाली शिकायतों को प्रणालीगत समस्या के रूप में पहचानता है।", Category = "CaseFlow Review",
    Description = "Counts complaints by category × district × week and lists systemic issues (thresholds in the scorecard).")]
[Outcomes(Done)]
public sealed class DetectRecurringComplaints : Activity
{
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var count = await context.GetRequiredService<IWeeklyReview>()
            .DetectRecurringAsync(ComputeRanking.SnapshotId(context), ComputeRanking.RequestKey(context), context.CancellationToken);
        context.SetVariable("RecurringIssueCount", count);
        context.Complete(Done);
    }
}
