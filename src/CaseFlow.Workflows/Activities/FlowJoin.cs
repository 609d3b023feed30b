using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

/// <summary>The waiting is done by the flowchart (it owns the inbound bookkeeping); once scheduled, the join just passes on.</summary>
[Activity("Elsa", "FlowJoin", DisplayNameHi = "मिलान", DisplayName = "Join", Category = "Branching", Description = "Merges branches: WaitAny, WaitAll or WaitAllActive.")]
[Input("mode", ModeTypeName, DefaultValue = nameof(FlowJoinMode.WaitAny), UiHint = UiHints.Dropdown)]
[Outcomes(Done)]
public sealed class FlowJoin : Activity
{
    public const string TypeName = "Elsa.FlowJoin";
    public const string ModeTypeName = "Elsa.Workflows.Activities.Flowchart.Models.FlowJoinMode, Elsa.Workflows.Core";

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }

    /// <summary>The mode is a literal enum name (3.0 files use the older namespace in typeName; only the value matters).</summary>
    public static FlowJoinMode ReadMode(ActivityNode node)
    {
        var text = node.GetInput("mode")?.Text;
        if (text is not null && Enum.TryParse<FlowJoinMode>(text, ignoreCase: true, out var mode))
            return mode;
        if (text is not null && int.TryParse(text, out var number) && Enum.IsDefined(typeof(FlowJoinMode), number))
            return (FlowJoinMode)number;
        return FlowJoinMode.WaitAny;
    }
}
