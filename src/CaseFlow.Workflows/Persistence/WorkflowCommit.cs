using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Persistence;

/// <summary>
/// Everything one run step changes, to be applied in ONE transaction or not at all.
/// The store must reject the whole commit (<see cref="CommitResult.Conflict"/>) when
/// the instance's stored version is not <see cref="ExpectedVersion"/> (0 means "insert; must not exist"),
/// when a bookmark in <see cref="RemovedBookmarkIds"/> no longer exists (someone else consumed it), or
/// when a stimulus in <see cref="ConsumedStimulusIds"/> no longer exists.
/// </summary>
/// <param name="DomainEffects">Domain changes of the step (<c>context.AddEffect</c> and the step's effect features); a
/// store that understands them applies them in the same transaction, the in-memory store hands them to a callback.</param>
public sealed record WorkflowCommit(
    InstanceRecord Instance,
    long ExpectedVersion,
    IReadOnlyList<Bookmark> AddedBookmarks,
    IReadOnlyList<string> RemovedBookmarkIds,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<string> ConsumedStimulusIds,
    IReadOnlyList<IStepEffect> DomainEffects)
{
    /// <summary>The row the step was computed from, when it had one: a store may write only what changed.</summary>
    public InstanceRecord? Previous { get; init; }
}

/// <param name="Failed">Not a lost race but an error writing this step (the others of a batch are unaffected):
/// redoing it would fail the same way.</param>
public sealed record CommitResult(bool Committed, string? ConflictReason, bool Failed = false)
{
    public static CommitResult Success { get; } = new(true, null);

    public static CommitResult Conflict(string reason) => new(false, reason);

    public static CommitResult Failure(string reason) => new(false, reason, Failed: true);
}
