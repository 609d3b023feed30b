using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Persistence;

public sealed record InstanceQuery(
    string? DefinitionId = null,
    WorkflowStatus? Status = null,
    string? CorrelationId = null,
    int Skip = 0,
    int Take = 100);

/// <summary>Instance rows plus the atomic step commit that also writes bookmarks, journal, incidents and stimuli.</summary>
public interface IWorkflowInstanceStore
{
    ValueTask<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Applies the commit atomically, or rejects it whole; see <see cref="WorkflowCommit"/>.</summary>
    ValueTask<CommitResult> CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies several commits (for different instances) in one transaction, each checked and accepted or
    /// rejected on its own as in <see cref="CommitAsync"/>; a rejected one does not roll back the others.
    /// Results are in the order of <paramref name="commits"/>. The timer pump uses it so a sweep of due
    /// timers costs one transaction per batch rather than one per instance.
    /// </summary>
    async ValueTask<IReadOnlyList<CommitResult>> CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default)
    {
        var results = new List<CommitResult>(commits.Count);
        foreach (var commit in commits)
            results.Add(await CommitAsync(commit, cancellationToken));
        return results;
    }

    /// <summary>Several rows in one round trip; missing ids are absent from the result.</summary>
    async ValueTask<IReadOnlyDictionary<string, InstanceRecord>> GetManyAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, InstanceRecord>(StringComparer.Ordinal);
        foreach (var id in instanceIds)
            if (await GetAsync(id, cancellationToken) is { } record)
                result[id] = record;
        return result;
    }

    /// <summary>Rows only, newest first; never needs to deserialise state.</summary>
    ValueTask<IReadOnlyList<InstanceRecord>> ListAsync(InstanceQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many instances of a definition have not ended (running or waiting), counted by the store, not listed.</summary>
    ValueTask<int> CountActiveAsync(string definitionId, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken = default);
}
