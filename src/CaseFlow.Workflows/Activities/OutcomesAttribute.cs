namespace CaseFlow.Workflows.Activities;

/// <summary>The ports an activity can complete through. Activities that compute their ports from their
/// inputs (FlowSwitch, FlowFork) set <see cref="Dynamic"/> and override <see cref="Activity.GetOutcomes"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OutcomesAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
    public bool Dynamic { get; init; }
}
