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
}
