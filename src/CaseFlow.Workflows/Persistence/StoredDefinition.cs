namespace CaseFlow.Workflows.Persistence;

/// <summary>One version of a definition. <see cref="Json"/> is the document of record; the other columns
/// are what the store indexes. <see cref="PublishedAt"/> stays set after a retract, so a later save
/// starts a new version instead of overwriting one that instances may be pinned to.</summary>
public sealed record StoredDefinition(
    string DefinitionId,
    int Version,
    string? Name,
    string Json,
    bool IsLatest,
    bool IsPublished,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt);
