using CaseFlow.Core.Escalation;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Workflows;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Server.Escalation;

/// <summary>
/// Writes what a workflow step did to its case (<see cref="CaseStep"/>) in the step's own transaction, so a
/// breach escalates the case exactly once: the step and the escalation both commit, or neither. The case row
/// is written only if it is still at the version the step read; otherwise the step is refused and redone on
/// the case as it now is.
/// </summary>
public sealed class CaseEffectApplier : IWorkflowEffectApplier
{
    public async Task<string?> ApplyAsync(WriteBatch batch, IReadOnlyList<IStepEffect> effects)
    {
        foreach (var effect in effects)
        {
            if (effect is not CaseStep step)
                throw new InvalidOperationException($"The workflow produced an effect CaseFlow does not know: {effect.GetType().Name}.");
            // A case of the batch's own requests is written with the batch; the hook added its events already.
            if (step.OwnedByCaller || !step.Changed)
                continue;
            if (!await batch.CaseRows.UpdateAsync(step.Case, step.Loaded!, step.LoadedVersion, batch.Transaction))
                return $"Case {step.Case.Number} changed since the step read it at version {step.LoadedVersion}.";
            foreach (var e in step.Events)
                await batch.CaseRows.InsertEventAsync(e, batch.Transaction);
        }
        return null;
    }
}
