namespace CaseFlow.Server.Escalation;

/// <summary>Bound from CaseFlow:Workflows: the runtime, its timers and the limits a definition must keep.</summary>
public sealed class WorkflowOptions
{
    /// <summary>Folder of Elsa JSON definitions that seed an empty store; defaults to the copy beside the binary.</summary>
    public string? Directory { get; set; }

    /// <summary>The escalation definition for categories that name none.</summary>
    public string DefaultDefinition { get; set; } = "case-escalation";

    /// <summary>How often the timer service looks for timers another server created.</summary>
    public TimeSpan TimerPoll { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed timer stays reserved for the server that claimed it (renewed while it works).</summary>
    public TimeSpan TimerLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Due timers claimed and run as one batch.</summary>
    public int TimerBatchSize { get; set; } = 500;

    /// <summary>This server's name in timer claims; by default the machine and gRPC port, so a restart frees its own claims at once.</summary>
    public string? EngineId { get; set; }

    /// <summary>How often open cases without a workflow instance are looked for (and given one).</summary>
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest duration a definition may hold (an SLA limit, a delay, a timer interval).</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromDays(366);

    /// <summary>The shortest interval between two starts of a timer or cron trigger.</summary>
    public TimeSpan MinTimerInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most activities one workflow step may run without waiting; past it the instance faults.</summary>
    public int MaxActivitiesPerStep { get; set; } = 10_000;

    /// <summary>The longest one workflow step may run; past it the instance faults.</summary>
    public TimeSpan MaxStepDuration { get; set; } = TimeSpan.FromSeconds(10);

    public string ResolvedDirectory => Directory ?? Path.Combine(AppContext.BaseDirectory, "workflows");
}
