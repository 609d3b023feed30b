namespace CaseFlow.Workflows.Persistence;

public interface IWorkflowDefinitionStore
{
    ValueTask<StoredDefinition?> GetAsync(string definitionId, int version, CancellationToken cancellationToken = default);

    ValueTask<StoredDefinition?> GetPublishedAsync(string definitionId, CancellationToken cancellationToken = default);

    ValueTask<StoredDefinition?> GetLatestAsync(string definitionId, CancellationToken cancellationToken = default);

    /// <summary>Every version, lowest first.</summary>
    ValueTask<IReadOnlyList<StoredDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken = default);

    /// <summary>The version in force of every published definition: a small read, made often to notice another server's publish.</summary>
    ValueTask<IReadOnlyDictionary<string, int>> ListPublishedVersionsAsync(CancellationToken cancellationToken = default);

    /// <summary>The latest version of every definition.</summary>
    ValueTask<IReadOnlyList<StoredDefinition>> ListLatestAsync(CancellationToken cancellationToken = default);

    /// <summary>Upserts rows keyed by (DefinitionId, Version) in one transaction (publishing touches two rows).</summary>
    ValueTask SaveAsync(IReadOnlyList<StoredDefinition> versions, CancellationToken cancellationToken = default);
}
