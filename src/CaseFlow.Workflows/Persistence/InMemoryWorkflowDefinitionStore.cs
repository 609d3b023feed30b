namespace CaseFlow.Workflows.Persistence;

public sealed class InMemoryWorkflowDefinitionStore : IWorkflowDefinitionStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string DefinitionId, int Version), StoredDefinition> _rows = [];

    public ValueTask<StoredDefinition?> GetAsync(string definitionId, int version, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult(_rows.GetValueOrDefault((definitionId, version)));
    }

    public ValueTask<StoredDefinition?> GetPublishedAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult(_rows.Values.FirstOrDefault(r => r.DefinitionId == definitionId && r.IsPublished));
    }

    public ValueTask<IReadOnlyDictionary<string, int>> ListPublishedVersionsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyDictionary<string, int>>(
                _rows.Values.Where(r => r.IsPublished).ToDictionary(r => r.DefinitionId, r => r.Version, StringComparer.Ordinal));
    }

    public ValueTask<StoredDefinition?> GetLatestAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult(_rows.Values.FirstOrDefault(r => r.DefinitionId == definitionId && r.IsLatest));
    }

    public ValueTask<IReadOnlyList<StoredDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyList<StoredDefinition>>(_rows.Values.Where(r => r.DefinitionId == definitionId).OrderBy(r => r.Version).ToList());
    }

    public ValueTask<IReadOnlyList<StoredDefinition>> ListLatestAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyList<StoredDefinition>>(_rows.Values.Where(r => r.IsLatest).OrderBy(r => r.DefinitionId, StringComparer.Ordinal).ToList());
    }

    public ValueTask SaveAsync(IReadOnlyList<StoredDefinition> versions, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            foreach (var v in versions)
                _rows[(v.DefinitionId, v.Version)] = v;
        return ValueTask.CompletedTask;
    }
}
