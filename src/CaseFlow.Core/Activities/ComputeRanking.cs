using CaseFlow.Core.Ranking;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>
/// Ranks departments for the week before now (Monday to Monday, IST), or for the days given, and stores
/// the snapshot; later steps find it in the RankingSnapshotId variable.
/// </summary>
[Activity("CaseFlow", "ComputeRanking", DisplayNameHi = "विभागों की रैंकिंग", DescriptionHi = "स्कोरकार्ड पर हर विभाग को अंक और श्रेणी देता है और दिनांकित स्नैपशॉट रखता है।", Category = "CaseFlow Review", Description = "Scores and grades every department on the scorecard and stores a dated snapshot.")]
[Input("periodDays", "Int32", DisplayNameHi = "अवधि (दिन)", DisplayName = "Period (days)", DefaultValue = "7", Description = "Days before the most recent Monday 00:00 IST that the ranking covers.")]
[Outcomes(Done)]
public sealed class ComputeRanking : Activity
{
    public const string SnapshotVariable = "RankingSnapshotId";

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var week = RankingPeriod.WeekBefore(context.Now);
        var days = CaseActivity.ReadInt(context, "periodDays") ?? 7;
        if (days is < 1 or > 366)
            throw new InvalidOperationException($"{context.Node.Label}: periodDays {days} must be between 1 and 366.");
        var period = new RankingPeriod(week.To.AddDays(-days), week.To);
        var id = await context.GetRequiredService<IWeeklyReview>().ComputeRankingAsync(period, RequestKey(context), context.CancellationToken);
        context.SetVariable(SnapshotVariable, id);
        context.Complete(Done);
    }

    internal static string RequestKey(ActivityExecutionContext context) => $"{context.InstanceId}/{context.ActivityId}";

    internal static long SnapshotId(ActivityExecutionContext context) =>
        context.GetVariable<long?>(SnapshotVariable) is { } id and > 0
            ? id
            : throw new InvalidOperationException($"{context.Node.Label}: no ranking snapshot; put CaseFlow.ComputeRanking before it.");
}
