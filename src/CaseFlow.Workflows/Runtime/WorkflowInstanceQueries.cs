using CaseFlow.Workflows.Persistence;

namespace CaseFlow.Workflows.Runtime;

/// <summary>An instance with what an administrator looks at: its journal, what it waits for, what went wrong.</summary>
public sealed record InstanceDetail(InstanceRecord Instance, IReadOnlyList<JournalEntry> Journal, IReadOnlyList<Bookmark> Waits,
    IReadOnlyList<Incident> Incidents);

/// <summary>
/// The questions every adapter asks about instances, answered once here: the instance in force for a
/// correlation (a case's workflow), how many instances of a definition are still going, and an instance's detail.
/// </summary>
public sealed class WorkflowInstanceQueries(IWorkflowInstanceStore instances, IBookmarkStore bookmarks)
{
    /// <summary>The newest instance correlated with <paramref name="correlationId"/>: a restarted workflow (reopen, transfer) replaces the older one.</summary>
    public async ValueTask<InstanceRecord?> LatestForAsync(string correlationId, CancellationToken ct = default) =>
        (await instances.ListAsync(new InstanceQuery(CorrelationId: correlationId, Take: 1), ct)).FirstOrDefault();

    public ValueTask<int> ActiveCountAsync(string definitionId, CancellationToken ct = default) => instances.CountActiveAsync(definitionId, ct);

    public async ValueTask<InstanceDetail?> DetailAsync(string instanceId, CancellationToken ct = default)
    {
        var row = await instances.GetAsync(instanceId, ct);
        return row is null ? null : await DetailAsync(row, ct);
    }

    public async ValueTask<InstanceDetail> DetailAsync(InstanceRecord row, CancellationToken ct = default) =>
        new(row, await instances.GetJournalAsync(row.Id, ct), await bookmarks.ListForInstanceAsync(row.Id, ct), await instances.GetIncidentsAsync(row.Id, ct));
}
