using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Activities;

/// <summary>
/// The palette entries of Elsa's composites, which the run executes itself (as bodies of their own) rather than
/// through an <see cref="Activity"/> class: what a designer shows and what a new node of each type starts with.
/// </summary>
public static class CompositeDescriptors
{
    private static InputDescriptor Script(string name, string type, string description) =>
        new(name, type, char.ToUpperInvariant(name[0]) + name[1..], description, null, UiHints.JavaScript);

    public static IReadOnlyList<ActivityDescriptor> All { get; } =
    [
        new(Composites.Flowchart, "Flowchart", "Composites", "A flowchart inside this one; completes when nothing in it runs or waits any more.", [], [Activity.Done], false, false),
        new(Composites.Sequence, "Sequence", "Composites", "Runs its activities one after another.", [], [Activity.Done], false, false),
        new(Composites.FlowNode, "Container", "Composites", "Runs the one activity in its body.", [], [Activity.Done], false, false),
        new(Composites.If, "If", "Composites", "Runs its then or its else activity, and leaves through True or False (and Done).",
            [Script("condition", "Boolean", "The condition, e.g. getAmount() > 100.")], ["True", "False", Activity.Done], false, false),
        new(Composites.Switch, "Switch", "Composites", "Runs the first case whose condition holds (every one, in MatchAny mode), else its default.",
            [new("mode", "String", "Mode", null, "MatchFirst", UiHints.Dropdown, Choices: ["MatchFirst", "MatchAny"])], [Activity.Done], false, false),
        new(Composites.Fork, "Fork", "Composites", "Runs every branch at once; completes when all have (WaitAll) or at the first (WaitAny), cancelling the rest.",
            [new("joinMode", "String", "Join mode", null, "WaitAll", UiHints.Dropdown, Choices: ["WaitAll", "WaitAny"])], [Activity.Done], false, false),
        new(Composites.ForEach, "For Each", "Looping", "Runs its body once per item; the item is the CurrentValue output and getCurrentValue() in the body.",
            [Script("items", "Object", "The items, e.g. ['Nainital', 'Almora'].")], [Activity.Done], false, false),
        new(Composites.ParallelForEach, "Parallel For Each", "Looping", "Runs its body for every item; in CaseFlow the rounds run one after another.",
            [Script("items", "Object", "The items.")], [Activity.Done], false, false),
        new(Composites.For, "For", "Looping", "Runs its body for each number from start to end.",
            [new("start", "Int32", "Start", null, "0", UiHints.String), new("end", "Int32", "End", null, "1", UiHints.String), new("step", "Int32", "Step", null, "1", UiHints.String)],
            [Activity.Done], false, false),
        new(Composites.While, "While", "Looping", "Runs its body while the condition holds; a body with no wait in it is stopped by the step budget.",
            [Script("condition", "Boolean", "The condition, checked before each round.")], [Activity.Done], false, false),
    ];
}
