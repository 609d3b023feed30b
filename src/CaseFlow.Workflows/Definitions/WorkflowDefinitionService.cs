using System.Collections.Concurrent;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Workflows.Definitions;

public sealed record SaveDraftResult(StoredDefinition Definition, ValidationResult Validation);

public sealed record PublishResult(bool Published, StoredDefinition? Definition, ValidationResult Validation);

/// <summary>
/// Drafts, versions and publishing. Invariants per definitionId: at most one latest and one published
/// version; saving over a version that was ever published starts a new version, because instances may be
/// pinned to it; a refused publish changes nothing.
/// </summary>
public sealed class WorkflowDefinitionService
{
    private readonly IWorkflowDefinitionStore _store;
    private readonly IBookmarkStore _bookmarks;
    private readonly ActivityRegistry _registry;
    private readonly TimeProvider _time;
    private readonly WorkflowValidator _validator;
    private readonly ConcurrentDictionary<(string, int), (DateTimeOffset UpdatedAt, WorkflowDefinition Definition, bool Immutable)> _parsed = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public WorkflowDefinitionService(IWorkflowDefinitionStore store, IBookmarkStore bookmarks, ActivityRegistry registry, TimeProvider time)
    {
        _store = store;
        _bookmarks = bookmarks;
        _registry = registry;
        _time = time;
        _validator = new WorkflowValidator(registry);
    }

    public ValidationResult Validate(WorkflowDefinition definition, ValidationPurpose purpose) => _validator.Validate(definition, purpose);

    public async Task<SaveDraftResult> ImportAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default) =>
        await SaveDraftAsync(WorkflowDefinition.Parse(json.Span), cancellationToken);

    public async Task<SaveDraftResult> SaveDraftAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        var validation = Validate(definition, ValidationPurpose.Save);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var latest = await _store.GetLatestAsync(definition.DefinitionId, cancellationToken);
            // Decoded whole, so a byte-order mark survives as U+FEFF and an import exports the same bytes.
            var json = System.Text.Encoding.UTF8.GetString(definition.ToUtf8Bytes());
            StoredDefinition saved;
            if (latest is null)
            {
                saved = new StoredDefinition(definition.DefinitionId, 1, definition.Name, json, true, false, now, now, null);
                await _store.SaveAsync([saved], cancellationToken);
            }
            else if (latest.PublishedAt is null)
            {
                saved = latest with { Json = json, Name = definition.Name, UpdatedAt = now };
                await _store.SaveAsync([saved], cancellationToken);
            }
            else
            {
                saved = new StoredDefinition(definition.DefinitionId, latest.Version + 1, definition.Name, json, true, false, now, now, null);
                await _store.SaveAsync([latest with { IsLatest = false, UpdatedAt = now }, saved], cancellationToken);
            }
            return new SaveDraftResult(saved, validation);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Publishes a version (the latest by default). Errors refuse it and leave the published version in force.</summary>
    public async Task<PublishResult> PublishAsync(string definitionId, int? version = null, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var target = version is { } v
                ? await _store.GetAsync(definitionId, v, cancellationToken)
                : await _store.GetLatestAsync(definitionId, cancellationToken);
            if (target is null)
                throw new KeyNotFoundException($"Definition '{definitionId}'{(version is null ? "" : $" version {version}")} does not exist.");
            var definition = Parse(target);
            var validation = Validate(definition, ValidationPurpose.Publish);
            if (validation.HasErrors)
                return new PublishResult(false, target, validation);

            var now = _time.GetUtcNow();
            var changes = new List<StoredDefinition>();
            var current = await _store.GetPublishedAsync(definitionId, cancellationToken);
            if (current is not null && current.Version != target.Version)
                changes.Add(current with { IsPublished = false, UpdatedAt = now });
            var published = target with { IsPublished = true, PublishedAt = now, UpdatedAt = now };
            changes.Add(published);
            await _store.SaveAsync(changes, cancellationToken);
            await _bookmarks.ReplaceTriggersAsync(definitionId, Triggers(definition, published.Version, now), cancellationToken);
            return new PublishResult(true, published, validation);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Unpublishes the published version; running instances continue, no new ones start.</summary>
    public async Task<bool> RetractAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var current = await _store.GetPublishedAsync(definitionId, cancellationToken);
            if (current is null)
                return false;
            await _store.SaveAsync([current with { IsPublished = false, UpdatedAt = _time.GetUtcNow() }], cancellationToken);
            await _bookmarks.ReplaceTriggersAsync(definitionId, [], cancellationToken);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Imports and publishes each <c>*.json</c> of a folder whose definition the store does not hold yet
    /// (first start). Definitions already stored are left alone, so administrators' edits survive restarts.
    /// </summary>
    public async Task<IReadOnlyList<PublishResult>> SeedFromDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        var results = new List<PublishResult>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var definition = WorkflowDefinition.Parse(await File.ReadAllBytesAsync(file, cancellationToken));
            if (await _store.GetLatestAsync(definition.DefinitionId, cancellationToken) is not null)
                continue;
            await SaveDraftAsync(definition, cancellationToken);
            results.Add(await PublishAsync(definition.DefinitionId, cancellationToken: cancellationToken));
        }
        return results;
    }

    /// <summary>Recreates trigger rows for every published definition whose triggers are missing (host start-up).</summary>
    public async Task<int> EnsureTriggersAsync(CancellationToken cancellationToken = default)
    {
        var created = 0;
        var existing = (await _bookmarks.ListTriggersAsync(null, cancellationToken)).Select(t => t.DefinitionId).ToHashSet(StringComparer.Ordinal);
        foreach (var latest in await _store.ListLatestAsync(cancellationToken))
        {
            if (existing.Contains(latest.DefinitionId))
                continue;
            var published = await _store.GetPublishedAsync(latest.DefinitionId, cancellationToken);
            if (published is null)
                continue;
            var triggers = Triggers(Parse(published), published.Version, _time.GetUtcNow());
            if (triggers.Count == 0)
                continue;
            await _bookmarks.ReplaceTriggersAsync(latest.DefinitionId, triggers, cancellationToken);
            created += triggers.Count;
        }
        return created;
    }

    public ValueTask<IReadOnlyList<StoredDefinition>> ListAsync(CancellationToken cancellationToken = default) => _store.ListLatestAsync(cancellationToken);

    public ValueTask<IReadOnlyList<StoredDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken = default) =>
        _store.ListVersionsAsync(definitionId, cancellationToken);

    public ValueTask<StoredDefinition?> GetAsync(string definitionId, int version, CancellationToken cancellationToken = default) =>
        _store.GetAsync(definitionId, version, cancellationToken);

    public ValueTask<StoredDefinition?> GetPublishedAsync(string definitionId, CancellationToken cancellationToken = default) =>
        _store.GetPublishedAsync(definitionId, cancellationToken);

    /// <summary>The version as an Elsa file, with its version number and flags as the store knows them.</summary>
    public async Task<byte[]> ExportAsync(string definitionId, int? version = null, CancellationToken cancellationToken = default)
    {
        var stored = (version is { } v ? await _store.GetAsync(definitionId, v, cancellationToken) : await _store.GetLatestAsync(definitionId, cancellationToken))
            ?? throw new KeyNotFoundException($"Definition '{definitionId}' does not exist.");
        return Parse(stored).WithVersionInfo(stored.Version, stored.IsLatest, stored.IsPublished).ToUtf8Bytes();
    }

    /// <summary>The parsed definition of one version, cached while the row is unchanged.</summary>
    public async Task<WorkflowDefinition> LoadAsync(string definitionId, int version, CancellationToken cancellationToken = default)
    {
        // A version that was ever published never changes (a later save starts a new version), so every
        // resume of the instances pinned to it can skip the database read.
        if (_parsed.TryGetValue((definitionId, version), out var known) && known.Immutable)
            return known.Definition;
        var stored = await _store.GetAsync(definitionId, version, cancellationToken)
            ?? throw new KeyNotFoundException($"Definition '{definitionId}' version {version} does not exist.");
        return Parse(stored);
    }

    public WorkflowDefinition Parse(StoredDefinition stored)
    {
        var key = (stored.DefinitionId, stored.Version);
        if (_parsed.TryGetValue(key, out var cached) && cached.UpdatedAt == stored.UpdatedAt)
            return cached.Definition;
        var definition = WorkflowDefinition.Parse(stored.Json);
        _parsed[key] = (stored.UpdatedAt, definition, stored.PublishedAt is not null);
        return definition;
    }

    private List<Bookmark> Triggers(WorkflowDefinition definition, int version, DateTimeOffset now)
    {
        var triggers = new List<Bookmark>();
        var scope = new EmptyExpressionScope(definition.Variables);
        var evaluator = new ExpressionEvaluator();
        foreach (var node in definition.Activities.Where(a => a.CanStartWorkflow))
        {
            if (_registry.Find(node.Type) is not ITimerTrigger trigger)
                continue;
            var due = trigger.NextDue(node, now, null, name => node.GetInput(name) is { } input ? evaluator.Evaluate(input, scope) : null);
            if (due is null)
                continue;
            triggers.Add(new Bookmark(Guid.NewGuid().ToString("N"), BookmarkKind.Trigger, null, definition.DefinitionId, version, node.Id, null, null, due, null, now));
        }
        return triggers;
    }
}
