namespace CaseFlow.Workflows.Model;

/// <summary>
/// The Elsa types that hold other activities and run them as a body of their own: a nested flowchart (Elsa's
/// connection and join rules, inside) and a sequence (its children one after another). A published definition
/// marked usable as an activity is a composite too: its root is the body, run in the parent's instance.
/// </summary>
public static class Composites
{
    public const string Flowchart = WorkflowDefinition.FlowchartType;
    public const string Sequence = "Elsa.Sequence";

    /// <summary>Runs the one activity in its <c>body</c> (often a flowchart) and completes with Done.</summary>
    public const string FlowNode = "Elsa.FlowNode";

    public const string If = "Elsa.If";
    public const string ForEach = "Elsa.ForEach";
    public const string ParallelForEach = "Elsa.ParallelForEach";
    public const string For = "Elsa.For";
    public const string While = "Elsa.While";
    public const string Switch = "Elsa.Switch";
    public const string Fork = "Elsa.Fork";

    public static bool IsBuiltIn(string type) => type is Flowchart or Sequence or FlowNode or If or Switch or Fork || IsLoop(type);

    /// <summary>Composites that run their body again until done (Elsa.Break leaves the nearest one).</summary>
    public static bool IsLoop(string type) => type is ForEach or ParallelForEach or For or While;
}
