using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

/// <summary>
/// Behaviour for one Elsa activity type. One stateless instance serves every node of that type, so all
/// per-run data lives in the <see cref="ActivityExecutionContext"/> and the instance state.
/// </summary>
public abstract class Activity
{
    public const string Done = "Done";

    /// <summary>Runs the activity. It either completes (<see cref="ActivityExecutionContext.Complete"/>),
    /// waits (creates a bookmark), or throws, which records an incident and faults the instance.
    /// Doing none of these completes it with <see cref="Done"/>.</summary>
    public abstract ValueTask ExecuteAsync(ActivityExecutionContext context);

    /// <summary>Called when one of this activity's bookmarks is resumed (event or timer). Not completing
    /// keeps the activity waiting on its remaining bookmarks.</summary>
    public virtual ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }

    /// <summary>The ports this node can complete through. Static by default (from <see cref="OutcomesAttribute"/>).</summary>
    public virtual IReadOnlyList<string> GetOutcomes(ActivityNode node) =>
        ActivityDescriptor.For(GetType()).Outcomes;
}
