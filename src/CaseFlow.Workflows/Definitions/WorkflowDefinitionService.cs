using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Workflows.Definitions;

public sealed record SaveDraftResult(StoredDefinition Definition, ValidationResult Validation);

public sealed record PublishResult(bool Published, StoredDefinition? Definition, ValidationResult Validation);

/// <summary>A published definition whose triggers could not be registered at start-up, and what was done about it.</summary>
/// <param name="FellBackTo">The earlier version put back in force, or null when none could be.</param>
public sealed record TriggerProblem(string DefinitionId, int Version, string Problem, int? FellBackTo);

/// <summary>
/// Drafts, versions and publishing. Invariants per definitionId: at most one latest and one published
/// version; saving over a version that was ever published starts a new version, because instances may be
/// pinned to it; a refused publish changes nothing.
/// </summary>
public sealed class WorkflowDefinitionService : IWorkflowActivitySource
{
    private readonly IWorkflowDefinitionStore _store;
    private readonly IBookmarkStore _bookmarks;
    private readonly ActivityRegistry _registry;
    private readonly TimeProvider _time;
    private readonly WorkflowValidator _validator;
    private readonly ConcurrentDictionary<(string, int), (DateTimeOffset UpdatedAt, WorkflowDefinition Definition, bool Immutable)> _parsed = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public WorkflowDefinitionService(IWorkflowDefinitionStore store, IBookmarkStore bookmarks, ActivityRegistry registry, TimeProvider time,
        ValidationLimits? limits = null, IReadOnlyList<IDefinitionRule>? rules = null)
    {
        _store = store;
        _bookmarks = bookmarks;
        _registry = registry;
        _time = time;
        _validator = new WorkflowValidator(registry, limits, rules)
        {
            IsWorkflowActivity = node => ActivityNode.Str(node.Element, "workflowDefinitionId") is { } id && _publishedIds.Contains(id) || _activityTypes.ContainsKey(node.Type),
            WorkflowActivityDefinition = node => ActivityNode.Str(node.Element, "workflowDefinitionId") is { } id && _activityDefinitions.TryGetValue(id, out var byId) ? byId
                : _activityTypes.TryGetValue(node.Type, out var typeId) && _activityDefinitions.TryGetValue(typeId, out var byType) ? byType : null,
        };
    }

    public ValidationLimits Limits => _validator.Limits;

    public ValidationResult Validate(WorkflowDefinition definition, ValidationPurpose purpose) => _validator.Validate(definition, purpose);

    /// <summary>Saves an imported file as a draft; one without ids gets new ones, as Elsa gives them.</summary>
    public async Task<SaveDraftResult> ImportAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default) =>
        await SaveDraftAsync(WorkflowDefinition.Import(json.Span, NewId), cancellationToken);

    /// <summary>An id in Elsa's form: 16 hex digits.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N")[..16];

    public Task<SaveDraftResult> SaveDraftAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default) =>
        SaveDraftAsync(definition, VersionNote.None, cancellationToken);

    public async Task<SaveDraftResult> SaveDraftAsync(WorkflowDefinition definition, VersionNote by, CancellationToken cancellationToken)
    {
        await RefreshActivityTypesAsync(cancellationToken);
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
                saved = new StoredDefinition(definition.DefinitionId, 1, definition.Name, json, true, false, now, now, null, by.Author);
                await _store.SaveAsync([saved], cancellationToken);
            }
            else if (latest.PublishedAt is null)
            {
                saved = latest with { Json = json, Name = definition.Name, UpdatedAt = now, SavedBy = by.Author ?? latest.SavedBy };
                await _store.SaveAsync([saved], cancellationToken);
            }
            else
            {
                saved = new StoredDefinition(definition.DefinitionId, latest.Version + 1, definition.Name, json, true, false, now, now, null, by.Author);
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
    public Task<PublishResult> PublishAsync(string definitionId, int? version = null, CancellationToken cancellationToken = default) =>
        PublishAsync(definitionId, version, VersionNote.None, cancellationToken);

    /// <param name="by">Who publishes, and their note: kept with the version, so the history says who changed the rules and why.</param>
    public async Task<PublishResult> PublishAsync(string definitionId, int? version, VersionNote by, CancellationToken cancellationToken)
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
            var now = _time.GetUtcNow();
            await RefreshActivityTypesAsync(cancellationToken);
            // Everything the publish needs is worked out before anything changes: the triggers' schedules are
            // evaluated here (a cron written as a script returns its text only now), so a publish is refused
            // whole or done whole, and the version in force keeps running when it is refused.
            var validation = Validate(definition, ValidationPurpose.Publish);
            if (validation.HasErrors)
                return new PublishResult(false, target, validation);
            var (triggers, triggerIssues) = PrepareTriggers(definition, target.Version, now);
            if (triggerIssues.Count > 0)
                return new PublishResult(false, target, new ValidationResult([.. validation.Issues, .. triggerIssues]));

            var changes = new List<StoredDefinition>();
            var current = await _store.GetPublishedAsync(definitionId, cancellationToken);
            if (current is not null && current.Version != target.Version)
                changes.Add(current with { IsPublished = false, UpdatedAt = now });
            var published = target with { IsPublished = true, PublishedAt = now, UpdatedAt = now, PublishedBy = by.Author, Note = string.IsNullOrWhiteSpace(by.Text) ? target.Note : by.Text.Trim() };
            changes.Add(published);
            await _store.SaveAsync(changes, cancellationToken);
            _published.TryRemove(definitionId, out _);
            await _bookmarks.ReplaceTriggersAsync(definitionId, triggers, cancellationToken);
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
            _published.TryRemove(definitionId, out _);
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

    /// <summary>
    /// Recreates trigger rows for every published definition whose triggers are missing (host start-up). One
    /// definition whose schedule cannot be worked out (stored before publishing checked it, or a script that
    /// now returns something else) never stops the start: the latest earlier version that still works is put
    /// back in force, and the problem is returned for the host to report.
    /// </summary>
    public async Task<IReadOnlyList<TriggerProblem>> EnsureTriggersAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<TriggerProblem>();
        var existing = (await _bookmarks.ListTriggersAsync(null, cancellationToken)).Select(t => t.DefinitionId).ToHashSet(StringComparer.Ordinal);
        foreach (var latest in await _store.ListLatestAsync(cancellationToken))
        {
            if (existing.Contains(latest.DefinitionId))
                continue;
            var published = await _store.GetPublishedAsync(latest.DefinitionId, cancellationToken);
            if (published is null)
                continue;
            var now = _time.GetUtcNow();
            var (triggers, issues) = PrepareTriggers(Parse(published), published.Version, now);
            if (issues.Count == 0)
            {
                if (triggers.Count > 0)
                    await _bookmarks.ReplaceTriggersAsync(latest.DefinitionId, triggers, cancellationToken);
                continue;
            }
            var problem = string.Join(" ", issues.Select(i => i.Message));
            problems.Add(new TriggerProblem(published.DefinitionId, published.Version, problem, await FallBackAsync(published, cancellationToken)));
        }
        return problems;
    }

    /// <summary>Puts the newest earlier published version whose triggers work back in force; its number, or null.</summary>
    private async Task<int?> FallBackAsync(StoredDefinition broken, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var earlier = (await _store.ListVersionsAsync(broken.DefinitionId, cancellationToken))
                .Where(v => v.Version < broken.Version && v.PublishedAt is not null).OrderByDescending(v => v.Version);
            foreach (var candidate in earlier)
            {
                var now = _time.GetUtcNow();
                var definition = Parse(candidate);
                var (triggers, issues) = PrepareTriggers(definition, candidate.Version, now);
                if (issues.Count > 0 || Validate(definition, ValidationPurpose.Publish).HasErrors)
                    continue;
                await _store.SaveAsync([broken with { IsPublished = false, UpdatedAt = now }, candidate with { IsPublished = true, UpdatedAt = now }], cancellationToken);
                _published.TryRemove(broken.DefinitionId, out _);
                await _bookmarks.ReplaceTriggersAsync(broken.DefinitionId, triggers, cancellationToken);
                return candidate.Version;
            }
            return null;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask<IReadOnlyList<StoredDefinition>> ListAsync(CancellationToken cancellationToken = default) => _store.ListLatestAsync(cancellationToken);

    public ValueTask<IReadOnlyList<StoredDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken = default) =>
        _store.ListVersionsAsync(definitionId, cancellationToken);

    public ValueTask<StoredDefinition?> GetAsync(string definitionId, int version, CancellationToken cancellationToken = default) =>
        _store.GetAsync(definitionId, version, cancellationToken);

    /// <summary>A version, or with <paramref name="version"/> 0 the latest one (draft or published).</summary>
    public async ValueTask<StoredDefinition?> FindAsync(string definitionId, int version, CancellationToken cancellationToken = default) =>
        version > 0 ? await _store.GetAsync(definitionId, version, cancellationToken)
            : (await _store.ListVersionsAsync(definitionId, cancellationToken)).LastOrDefault();

    /// <summary>
    /// The version in force. Every new case asks, so the answer is kept for <see cref="PublishedCacheLifetime"/>
    /// and dropped at once when this service publishes or retracts; another server's publish is seen within the
    /// lifetime.
    /// </summary>
    public async ValueTask<StoredDefinition?> GetPublishedAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        var now = Environment.TickCount64;
        if (_published.TryGetValue(definitionId, out var known) && now - known.At < (long)PublishedCacheLifetime.TotalMilliseconds)
            return known.Definition;
        var published = await _store.GetPublishedAsync(definitionId, cancellationToken);
        _published[definitionId] = (now, published);
        return published;
    }

    public TimeSpan PublishedCacheLifetime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Drops every cached version in force that the store no longer has in force: one small read, so a server that
    /// starts workflows for a batch of new cases uses what another server published a moment ago, not what it
    /// cached up to <see cref="PublishedCacheLifetime"/> earlier.
    /// </summary>
    public async ValueTask RefreshPublishedAsync(CancellationToken cancellationToken = default) =>
        RefreshPublished(await _store.ListPublishedVersionsAsync(cancellationToken));

    /// <summary>
    /// <see cref="RefreshPublishedAsync"/> with the versions in force already read, by a caller that has a cheaper
    /// way to read them (the SQLite writer, on its own open connection inside its transaction).
    /// </summary>
    public void RefreshPublished(IReadOnlyDictionary<string, int> inForce)
    {
        var now = Environment.TickCount64;
        foreach (var (id, cached) in _published)
        {
            var current = inForce.TryGetValue(id, out var v) ? v : (int?)null;
            // Compare-and-swap: a publish on this server that dropped the entry meanwhile must not see it come back.
            if (cached.Definition?.Version == current) _published.TryUpdate(id, cached with { At = now }, cached);
            else _published.TryRemove(new KeyValuePair<string, (long, StoredDefinition?)>(id, cached));
        }
    }

    private readonly ConcurrentDictionary<string, (long At, StoredDefinition? Definition)> _published = new(StringComparer.Ordinal);

    // Type name → definition id of every definition usable as an activity, as its latest version names it.
    private volatile IReadOnlyDictionary<string, string> _activityTypes = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Re-reads which definitions are usable as activities (one read of the latest versions).</summary>
    public async Task RefreshActivityTypesAsync(CancellationToken cancellationToken = default)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stored in await _store.ListLatestAsync(cancellationToken))
        {
            WorkflowDefinition definition;
            try
            {
                definition = Parse(stored);
            }
            catch (WorkflowFormatException)
            {
                continue;
            }
            if (definition.UsableAsActivity && definition.ActivityTypeName is { } type)
                types.TryAdd(type, definition.DefinitionId);
        }
        _activityTypes = types;
        _publishedIds = (await _store.ListPublishedVersionsAsync(cancellationToken)).Keys.ToHashSet(StringComparer.Ordinal);
        var inForce = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var definitionId in types.Values)
            if (await GetPublishedAsync(definitionId, cancellationToken) is { } published)
                inForce[definitionId] = Parse(published);
        _activityDefinitions = inForce;
    }

    // The version in force of each workflow usable as an activity, parsed: what validation checks a parent's inputs against.
    private volatile IReadOnlyDictionary<string, WorkflowDefinition> _activityDefinitions = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);

    // Definitions with a version in force: a node naming one by workflowDefinitionId runs it, as in Elsa, whether or
    // not it is offered in the palette.
    private volatile HashSet<string> _publishedIds = new(StringComparer.Ordinal);

    /// <summary>
    /// The published workflows usable as activities, described for a palette under their own type names: their declared
    /// inputs, their outcomes (Done when they declare none), and the definition and version a dropped node pins.
    /// </summary>
    public async Task<IReadOnlyList<ActivityDescriptor>> WorkflowActivitiesAsync(CancellationToken cancellationToken = default)
    {
        await RefreshActivityTypesAsync(cancellationToken);
        var described = new List<ActivityDescriptor>();
        foreach (var (type, definitionId) in _activityTypes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (await GetPublishedAsync(definitionId, cancellationToken) is not { } published)
                continue;
            var d = Parse(published);
            var inputs = d.InputNames.Select(n => new InputDescriptor(n, d.InputTypes.GetValueOrDefault(n) ?? "Object", n, null, null, UiHints.JavaScript)).ToList();
            described.Add(new ActivityDescriptor(type, d.Name ?? type, "Workflows", d.Description, inputs,
                d.Outcomes.Count > 0 ? d.Outcomes : [Activity.Done], false, false)
            {
                WorkflowDefinitionId = definitionId,
                WorkflowVersion = published.Version,
            });
        }
        return described;
    }

    public async ValueTask<(WorkflowDefinition Definition, int Version)?> ResolveAsync(ActivityNode node, CancellationToken cancellationToken)
    {
        // By the definition id the node names, else (a file from another server, where ids differ) by its type name.
        var definitionId = ActivityNode.Str(node.Element, "workflowDefinitionId");
        if (definitionId is null || !_publishedIds.Contains(definitionId))
        {
            if (!_activityTypes.ContainsKey(node.Type) || definitionId is not null)
                await RefreshActivityTypesAsync(cancellationToken);
            if (definitionId is null || !_publishedIds.Contains(definitionId))
            {
                if (!_activityTypes.TryGetValue(node.Type, out var byType))
                    return definitionId is null ? null
                        : throw new WorkflowFaultException($"{node.Label} runs workflow '{definitionId}', which has no published version.", "CHILD_NOT_PUBLISHED");
                definitionId = byType;
            }
        }
        var published = await GetPublishedAsync(definitionId, cancellationToken);
        var inForce = published is null ? null : Parse(published);
        // A parent keeps the child version it names while that version was published, unless the child asks its
        // consumers to follow each version it publishes (Elsa's autoUpdateConsumingWorkflows).
        if (inForce is not { AutoUpdateConsumers: true } && node.TypeVersion is { } pinned
            && await _store.GetAsync(definitionId, pinned, cancellationToken) is { PublishedAt: not null } kept)
            return (Parse(kept), kept.Version);
        return inForce is null
            ? throw new WorkflowFaultException($"{node.Label} runs workflow '{definitionId}', which has no published version.", "CHILD_NOT_PUBLISHED")
            : (inForce, published!.Version);
    }

    Task<WorkflowDefinition> IWorkflowActivitySource.LoadAsync(string definitionId, int version, CancellationToken cancellationToken) =>
        LoadAsync(definitionId, version, cancellationToken);

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
        var immutable = stored.PublishedAt is not null;
        // The text as well as the time: two saves of a draft within one clock tick must not share a parse.
        if (_parsed.TryGetValue(key, out var cached) && cached.UpdatedAt == stored.UpdatedAt && string.Equals(cached.Definition.SourceText, stored.Json, StringComparison.Ordinal))
        {
            // A draft published within the same clock tick keeps its timestamp: remember that it is frozen now.
            if (immutable && !cached.Immutable)
                _parsed[key] = cached with { Immutable = true };
            return cached.Definition;
        }
        var definition = WorkflowDefinition.Parse(stored.Json);
        definition.SourceText = stored.Json;
        _parsed[key] = (stored.UpdatedAt, definition, immutable);
        return definition;
    }

    /// <summary>The trigger rows a published version needs, and what is wrong with any whose schedule cannot be
    /// evaluated or breaks the limits (named by activity).</summary>
    private (List<Bookmark> Triggers, List<ValidationIssue> Issues) PrepareTriggers(WorkflowDefinition definition, int version, DateTimeOffset now)
    {
        var triggers = new List<Bookmark>();
        var issues = new List<ValidationIssue>();
        var scope = new EmptyExpressionScope(definition.Variables);
        var evaluator = new ExpressionEvaluator();
        foreach (var node in definition.Activities.Where(a => a.CanStartWorkflow))
        {
            if (_registry.Find(node.Type) is not ITimerTrigger trigger)
                continue;
            JsonNode? Evaluate(string name) => node.GetInput(name) is { } input ? evaluator.Evaluate(input, scope) : null;
            try
            {
                if (trigger.CheckSchedule(node, now, Evaluate, Limits) is { } problem)
                {
                    issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidTrigger, node.Id, node.Name, $"{node.Label}: {problem}"));
                    continue;
                }
                var due = trigger.NextDue(node, now, null, Evaluate);
                if (due is not null)
                    triggers.Add(new Bookmark(RecordIds.New(), BookmarkKind.Trigger, null, definition.DefinitionId, version, node.Id, null, null, due, null, now));
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                issues.Add(new(ValidationSeverity.Error, ValidationCodes.InvalidTrigger, node.Id, node.Name,
                    $"{node.Label}: its schedule cannot be worked out ({ex.Message})."));
            }
        }
        return (triggers, issues);
    }
}
