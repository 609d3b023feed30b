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
    DateTimeOffset? PublishedAt,
    /// <summary>Who saved this version last (a designer user or a calling system), and who published it, with their note.</summary>
    string? SavedBy = null,
    string? PublishedBy = null,
    string? Note = null);

/// <summary>Who makes a change to a definition, and (when publishing) why, in their words.</summary>
public sealed record VersionNote(string? Author, string? Text = null)
{
    public static readonly VersionNote None = new(Author: null);

    /// <summary>A note is a sentence or two for the record, not a document.</summary>
    public const int MaxLength = 500;
}
