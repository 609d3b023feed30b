namespace CaseFlow.Workflows.Runtime;

public sealed class WorkflowEngineOptions
{
    /// <summary>Identifies this engine in timer claims; unique per process.</summary>
    public string EngineId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>How long a claimed timer stays reserved; past it, another engine may fire it (after a crash).</summary>
    public TimeSpan TimerLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Reload-and-retry attempts when a commit meets a concurrent change to the same instance.</summary>
    public int MaxCommitAttempts { get; set; } = 5;

    /// <summary>How long an event nobody waited for is kept for a bookmark that may still appear. Null keeps
    /// it until delivered; set it when events also arrive for instances that have finished (a case resolved
    /// after its workflow ended), or those events accumulate.</summary>
    public TimeSpan? StimulusLifetime { get; set; }
}
