using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Server.Persistence.Workflows;

/// <summary>
/// Applies the domain effects of one workflow step inside the writer's transaction, after the step's workflow
/// rows and under the same savepoint, so a step and its case changes commit or fail together. Returning a
/// reason refuses the step as a conflict (the engine redoes it from fresh state); throwing undoes the step
/// alone. It must write only through the batch's statements, never EF's change tracker, which a savepoint
/// rollback would not undo.
/// </summary>
public interface IWorkflowEffectApplier
{
    Task<string?> ApplyAsync(WriteBatch batch, IReadOnlyList<IStepEffect> effects);

    /// <summary>
    /// The set-wise form, for a batch of steps inside a transaction no one else writes into (SQLite's): first every
    /// step's checks (per step: why it is refused, or null), then the writes of the steps the caller accepted.
    /// </summary>
    IReadOnlyList<string?> Check(WriteBatch batch, IReadOnlyList<IReadOnlyList<IStepEffect>> steps);

    Task WriteCheckedAsync(WriteBatch batch, IReadOnlyList<IReadOnlyList<IStepEffect>> steps);
}
