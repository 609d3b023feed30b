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

    /// <summary>Rows only, newest first; never needs to deserialise state.</summary>
    ValueTask<IReadOnlyList<InstanceRecord>> ListAsync(InstanceQuery query, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken = default);
}
