using CaseFlow.Core.Cases;
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

    public IReadOnlyList<string?> Check(WriteBatch batch, IReadOnlyList<IReadOnlyList<IStepEffect>> steps)
    {
        var cases = steps.SelectMany(Changed).ToList();
        var versions = cases.Count == 0
            ? new Dictionary<string, long>()
            : batch.Sets!.Query($"SELECT \"Id\", \"Version\" FROM \"Cases\" WHERE \"Id\" IN {SqliteSets.Set}",
                cases.Select(c => c.Case.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct(), withNumber: true)
                .ToDictionary(r => r.Text, r => r.Number, StringComparer.Ordinal);
        var results = new string?[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            foreach (var step in Changed(steps[i]))
            {
                var id = step.Case.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (versions.GetValueOrDefault(id, -1) != step.LoadedVersion)
                {
                    results[i] = $"Case {step.Case.Number} changed since the step read it at version {step.LoadedVersion}.";
                    break;
                }
            }
            if (results[i] is null)
                foreach (var step in Changed(steps[i]))
                    versions[step.Case.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = step.Case.Version;
        }
        return results;
    }

    public async Task WriteCheckedAsync(WriteBatch batch, IReadOnlyList<IReadOnlyList<IStepEffect>> steps)
    {
        var events = new List<CaseEvent>();
        foreach (var step in steps.SelectMany(Changed))
        {
            if (!await batch.CaseRows.UpdateAsync(step.Case, step.Loaded!, step.LoadedVersion, batch.Transaction))
                throw new InvalidOperationException($"Case {step.Case.Number} passed its check but was not written.");
            events.AddRange(step.Events);
        }
        await batch.CaseRows.InsertEventsAsync(events, batch.Transaction);
    }

    private static IEnumerable<CaseStep> Changed(IReadOnlyList<IStepEffect> effects)
    {
        foreach (var effect in effects)
        {
            if (effect is not CaseStep step)
                throw new InvalidOperationException($"The workflow produced an effect CaseFlow does not know: {effect.GetType().Name}.");
            if (!step.OwnedByCaller && step.Changed)
                yield return step;
        }
    }
}
