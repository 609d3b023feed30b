namespace CaseFlow.Workflows.Runtime;

public sealed class WorkflowEngineOptions
{
    /// <summary>Identifies this engine in timer claims; unique per process.</summary>
    public string EngineId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>
    /// How long a claimed timer stays reserved; past it, another engine may fire it. Short, because a claimer
    /// that crashed holds its timers for this long; an engine still working on a batch renews its claims
    /// every third of it. An engine that restarts under the same <see cref="EngineId"/> releases its old
    /// claims at once (<see cref="WorkflowEngine.ReleaseClaimsAsync"/>).
    /// </summary>
    public TimeSpan TimerLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events that only matter to a bookmark waiting for them now: published with none waiting they are
    /// dropped rather than stored (a "look again" poke to a case workflow, which re-reads the case anyway).
    /// </summary>
    public IReadOnlySet<string> TransientEvents { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The most activities one step may run without reaching a wait. A cycle with no wait in it would
    /// otherwise run (and journal) forever on the thread that fires timers for every instance; past the
    /// budget the instance faults with an incident naming the activity, and the others go on.
    /// </summary>
    public int MaxActivitiesPerStep { get; set; } = 10_000;

    /// <summary>The longest one step may run (each script is also limited on its own); past it the instance faults.</summary>
    public TimeSpan MaxStepDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Journal entries kept per step; a long step keeps its first ones and its fault, not every activity.</summary>
    public int MaxJournalEntriesPerStep { get; set; } = 500;

    /// <summary>Reload-and-retry attempts when a commit meets a concurrent change to the same instance.</summary>
    public int MaxCommitAttempts { get; set; } = 5;

    /// <summary>How long an event nobody waited for is kept for a bookmark that may still appear. Null keeps
    /// it until delivered; set it when events also arrive for instances that have finished (a case resolved
    /// after its workflow ended), or those events accumulate.</summary>
    public TimeSpan? StimulusLifetime { get; set; }
}
