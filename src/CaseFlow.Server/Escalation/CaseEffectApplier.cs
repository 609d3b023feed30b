using CaseFlow.Core.Directory;
using CaseFlow.Core.Escalation;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Workflows;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Escalation;

/// <summary>
/// Applies the escalation workflow's case changes inside the workflow step's own transaction, so a
/// breach escalates the case exactly once: either the step and the escalation both commit, or neither.
/// A concurrent change to the same case fails the step on the case's version; the engine redoes it.
/// </summary>
public sealed class CaseEffectApplier(IDirectoryProvider directory, TimeProvider time, CaseWriter writer) : IWorkflowEffectApplier
{
    public async ValueTask ApplyAsync(CaseFlowDbContext db, IReadOnlyList<object> effects, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var effect in effects)
        {
            if (effect is not CaseEffect caseEffect)
                throw new InvalidOperationException($"The workflow produced an effect CaseFlow does not know: {effect.GetType().Name}.");
            var c = await db.Cases.AsTracking().FirstOrDefaultAsync(x => x.Number == caseEffect.CaseNumber, ct)
                    ?? throw new InvalidOperationException($"Case {caseEffect.CaseNumber} does not exist.");
            foreach (var e in caseEffect.Apply(c, directory.Current, now))
                db.CaseEvents.Add(e);
        }
        // Watchers wake on commits; the step commits right after this, and a wake-up a moment early only
        // makes them look again.
        writer.NotifyCommitted();
    }
}
