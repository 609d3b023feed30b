namespace CaseFlow.Server.Persistence.Workflows;

/// <summary>
/// Applies the domain effects of one workflow step (<c>context.AddEffect</c>) on the store's context, inside the
/// step's transaction and before its <c>SaveChanges</c>, so a step and its case changes commit or fail together.
/// Throwing <see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/> (or making SaveChanges throw
/// it, e.g. through a case's concurrency token) rejects the step as a conflict and the engine redoes it from
/// fresh state; any other exception rolls the step back (in a <c>CommitBatchAsync</c>, the whole batch) and
/// reaches the caller. Called once per step, also within a batch, with only that step's effects.
/// </summary>
public interface IWorkflowEffectApplier
{
    ValueTask ApplyAsync(CaseFlowDbContext db, IReadOnlyList<object> effects, CancellationToken ct);
}
