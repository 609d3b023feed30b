using System.Text.Json.Nodes;
using CaseFlow.Core.Ranking;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>Renders the state-wide ranking circular and each department's HoD circular, in Hindi and English, into the archive.</summary>
[Activity("CaseFlow", "RenderCircular", DisplayNameHi = "परिपत्र तैयार करें", DescriptionHi = "प्रशासकों के टेम्पलेट से रैंकिंग परिपत्र बनाकर संग्रहित करता है।", Category = "CaseFlow Review", Description = "Renders the ranking circulars from the administrators' templates and archives them.")]
[Outcomes(Done)]
public sealed class RenderCircular : Activity
{
    public const string CircularsVariable = "CircularIds";

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var ids = await context.GetRequiredService<IWeeklyReview>()
            .RenderCircularsAsync(ComputeRanking.SnapshotId(context), ComputeRanking.RequestKey(context), context.CancellationToken);
        context.SetVariable(CircularsVariable, new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i)).ToArray()));
        context.Complete(Done);
    }
}
