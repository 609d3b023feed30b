using CaseFlow.Core.Escalation;
using CaseFlow.Server.Persistence;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Escalation;

/// <summary>The cases of a batch of workflow steps, read with one query: each step sees its case through a <see cref="CaseStep"/>.</summary>
public sealed class CaseStepSource(CaseFlowDatabase database) : IStepFeatureSource
{
    public async ValueTask<IReadOnlyDictionary<string, StepFeatures>> LoadAsync(IReadOnlyList<InstanceRecord> instances, CancellationToken cancellationToken)
    {
        var numbers = instances.Select(i => i.CorrelationId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var result = new Dictionary<string, StepFeatures>(StringComparer.Ordinal);
        if (numbers.Count == 0)
            return result;
        await using var db = database.CreateContext();
        var cases = await db.Cases.AsNoTracking().Where(c => numbers.Contains(c.Number)).ToDictionaryAsync(c => c.Number, StringComparer.Ordinal, cancellationToken);
        foreach (var instance in instances)
            if (instance.CorrelationId is { } number && cases.TryGetValue(number, out var c))
                result[instance.Id] = StepFeatures.Of(new CaseStep(c, ownedByCaller: false));
        return result;
    }
}
