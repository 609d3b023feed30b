using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Persistence;

/// <summary>
/// Instances, bookmarks, stimuli, journal and incidents in memory, under one lock so every commit is
/// atomic with the same rejection rules a database store must follow. For tests and development hosts;
/// several engines may share one instance to model several servers over one database.
/// </summary>
public sealed class InMemoryWorkflowStore : IWorkflowInstanceStore, IBookmarkStore, IStimulusStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, InstanceRecord> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BookmarkRow> _bookmarks = new(StringComparer.Ordinal);
    private readonly SortedSet<(DateTimeOffset DueAt, string Id)> _timersByDue = [];
    private readonly Dictionary<(string EventName, string? CorrelationId), List<string>> _eventIndex = [];
    private readonly Dictionary<string, Stimulus> _stimuli = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JournalEntry>> _journal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Incident>> _incidents = new(StringComparer.Ordinal);

    /// <summary>Called inside the commit's lock with every successful commit (e.g. to apply domain effects).</summary>
    public Action<WorkflowCommit>? OnCommitted { get; set; }

    public int InstanceCount
    {
        get
        {
            lock (_lock)
                return _instances.Count;
        }
    }

    public int BookmarkCount
    {
        get
        {
            lock (_lock)
                return _bookmarks.Count;
        }
    }

    public ValueTask<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult(_instances.GetValueOrDefault(instanceId));
    }

    public ValueTask<CommitResult> CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult(CommitLocked(commit));
    }

    public ValueTask<IReadOnlyList<CommitResult>> CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyList<CommitResult>>(commits.Select(CommitLocked).ToList());
    }

    public ValueTask<IReadOnlyDictionary<string, InstanceRecord>> GetManyAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var result = new Dictionary<string, InstanceRecord>(StringComparer.Ordinal);
            foreach (var id in instanceIds)
                if (_instances.TryGetValue(id, out var record))
                    result[id] = record;
            return ValueTask.FromResult<IReadOnlyDictionary<string, InstanceRecord>>(result);
        }
    }

    private CommitResult CommitLocked(WorkflowCommit commit)
    {
        var current = _instances.GetValueOrDefault(commit.Instance.Id);
        if (commit.ExpectedVersion == 0 && current is not null)
            return CommitResult.Conflict($"Instance {commit.Instance.Id} already exists.");
        if (commit.ExpectedVersion != 0 && current?.Version != commit.ExpectedVersion)
            return CommitResult.Conflict(
                $"Instance {commit.Instance.Id} is at version {current?.Version.ToString() ?? "none"}, the commit expected {commit.ExpectedVersion}.");
        foreach (var id in commit.RemovedBookmarkIds)
            if (!_bookmarks.ContainsKey(id))
                return CommitResult.Conflict($"Bookmark {id} was already consumed.");
        foreach (var id in commit.ConsumedStimulusIds)
            if (!_stimuli.ContainsKey(id))
                return CommitResult.Conflict($"Stimulus {id} was already consumed.");

        _instances[commit.Instance.Id] = commit.Instance;
        foreach (var id in commit.RemovedBookmarkIds)
            RemoveBookmark(id);
        foreach (var b in commit.AddedBookmarks)
            AddBookmark(b);
        foreach (var id in commit.ConsumedStimulusIds)
            _stimuli.Remove(id);
        if (commit.Journal.Count > 0)
        {
            if (!_journal.TryGetValue(commit.Instance.Id, out var list))
                _journal[commit.Instance.Id] = list = [];
            list.AddRange(commit.Journal);
        }
        if (commit.Incidents.Count > 0)
        {
            if (!_incidents.TryGetValue(commit.Instance.Id, out var list))
                _incidents[commit.Instance.Id] = list = [];
            list.AddRange(commit.Incidents);
        }
        OnCommitted?.Invoke(commit);
        return CommitResult.Success;
    }

    public ValueTask<IReadOnlyList<InstanceRecord>> ListAsync(InstanceQuery query, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<InstanceRecord> result = _instances.Values
                .Where(i => query.DefinitionId is null || i.DefinitionId == query.DefinitionId)
                .Where(i => query.Status is null || i.Status == query.Status)
                .Where(i => query.CorrelationId is null || i.CorrelationId == query.CorrelationId)
                .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
                .Skip(query.Skip).Take(query.Take)
                .ToList();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<int> CountActiveAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult(_instances.Values.Count(i => i.DefinitionId == definitionId && i.Status is WorkflowStatus.Running or WorkflowStatus.Suspended));
    }

    public ValueTask<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyList<JournalEntry>>(_journal.TryGetValue(instanceId, out var l) ? l.ToList() : []);
    }

    public ValueTask<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult<IReadOnlyList<Incident>>(_incidents.TryGetValue(instanceId, out var l) ? l.ToList() : []);
    }

    public ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string? correlationId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Bookmark> result = _eventIndex.TryGetValue((eventName, correlationId), out var ids)
                ? ids.Select(id => _bookmarks[id].Bookmark).ToList()
                : [];
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<IReadOnlyList<Bookmark>> ClaimDueTimersAsync(DateTimeOffset now, int max, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var claimed = new List<Bookmark>();
            foreach (var (dueAt, id) in _timersByDue)
            {
                if (dueAt > now || claimed.Count >= max)
                    break;
                var row = _bookmarks[id];
                if (row.Owner is not null && row.LeaseUntil >= now)
                    continue;
                row.Owner = owner;
                row.LeaseUntil = leaseUntil;
                claimed.Add(row.Bookmark);
            }
            return ValueTask.FromResult<IReadOnlyList<Bookmark>>(claimed);
        }
    }

    public ValueTask RenewClaimsAsync(IReadOnlyList<string> bookmarkIds, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            foreach (var id in bookmarkIds)
                if (_bookmarks.TryGetValue(id, out var row) && row.Owner == owner)
                    row.LeaseUntil = leaseUntil;
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> ReleaseClaimsAsync(string owner, CancellationToken cancellationToken = default)
    {
        var released = 0;
        lock (_lock)
            foreach (var row in _bookmarks.Values.Where(r => r.Owner == owner))
            {
                row.Owner = null;
                row.LeaseUntil = null;
                released++;
            }
        return ValueTask.FromResult(released);
    }

    public ValueTask DeleteAsync(IReadOnlyList<string> bookmarkIds, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            foreach (var id in bookmarkIds)
                RemoveBookmark(id);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReplaceTriggersAsync(string definitionId, IReadOnlyList<Bookmark> triggers, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var id in _bookmarks.Values.Where(r => r.Bookmark.Kind == BookmarkKind.Trigger && r.Bookmark.DefinitionId == definitionId).Select(r => r.Bookmark.Id).ToList())
                RemoveBookmark(id);
            foreach (var t in triggers)
                AddBookmark(t);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<Bookmark>> ListTriggersAsync(string? definitionId = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Bookmark> result = _bookmarks.Values
                .Select(r => r.Bookmark)
                .Where(b => b.Kind == BookmarkKind.Trigger && (definitionId is null || b.DefinitionId == definitionId))
                .ToList();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<IReadOnlyList<Bookmark>> ListForInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Bookmark> result = _bookmarks.Values.Select(r => r.Bookmark).Where(b => b.InstanceId == instanceId).ToList();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult<DateTimeOffset?>(_timersByDue.Count == 0 ? null : _timersByDue.Min.DueAt);
    }

    public ValueTask AddAsync(Stimulus stimulus, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            _stimuli[stimulus.Id] = stimulus;
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<Stimulus>> FindAsync(string eventName, string? correlationId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Stimulus> result = _stimuli.Values
                .Where(s => s.EventName == eventName && s.CorrelationId == correlationId)
                .OrderBy(s => s.CreatedAt)
                .ToList();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var expired = _stimuli.Values.Where(s => s.ExpiresAt is { } at && at <= now).Select(s => s.Id).ToList();
            foreach (var id in expired)
                _stimuli.Remove(id);
            return ValueTask.FromResult(expired.Count);
        }
    }

    public int StimulusCount
    {
        get
        {
            lock (_lock)
                return _stimuli.Count;
        }
    }

    private void AddBookmark(Bookmark b)
    {
        _bookmarks[b.Id] = new BookmarkRow(b);
        if (b.IsTimed && b.DueAt is { } due)
            _timersByDue.Add((due, b.Id));
        if (b.Kind == BookmarkKind.Event && b.EventName is not null)
        {
            var key = (b.EventName, b.CorrelationId);
            if (!_eventIndex.TryGetValue(key, out var ids))
                _eventIndex[key] = ids = [];
            ids.Add(b.Id);
        }
    }

    private void RemoveBookmark(string id)
    {
        if (!_bookmarks.Remove(id, out var row))
            return;
        var b = row.Bookmark;
        if (b.IsTimed && b.DueAt is { } due)
            _timersByDue.Remove((due, id));
        if (b.Kind == BookmarkKind.Event && b.EventName is not null && _eventIndex.TryGetValue((b.EventName, b.CorrelationId), out var ids))
        {
            ids.Remove(id);
            if (ids.Count == 0)
                _eventIndex.Remove((b.EventName, b.CorrelationId));
        }
    }

    private sealed class BookmarkRow(Bookmark bookmark)
    {
        public Bookmark Bookmark { get; } = bookmark;
        public string? Owner { get; set; }
        public DateTimeOffset? LeaseUntil { get; set; }
    }
}
