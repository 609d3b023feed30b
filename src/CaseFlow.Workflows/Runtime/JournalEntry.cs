namespace CaseFlow.Workflows.Runtime;

public enum JournalKind
{
    Started,
    Resumed,
    Completed,
    Suspended,
    Faulted,
    Cancelled,
    WorkflowStarted,
    WorkflowFinished,
    WorkflowFaulted,
    WorkflowCancelled,
    WorkflowRetried,

    /// <summary>Routine entries of a long step that were counted but not kept (see WorkflowEngineOptions.MaxJournalEntriesPerStep).</summary>
    Omitted,
}

/// <param name="Detail">Outcomes for <c>Completed</c>, the message for <c>Faulted</c>, the reason for <c>Cancelled</c>.</param>
public sealed record JournalEntry(
    string InstanceId,
    long Sequence,
    DateTimeOffset At,
    JournalKind Kind,
    string? ActivityId,
    string? ActivityType,
    string? ActivityName,
    string? Detail);
