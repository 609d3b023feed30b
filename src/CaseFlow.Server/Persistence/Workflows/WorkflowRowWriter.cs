using System.Data.Common;
using CaseFlow.Workflows.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence.Workflows;

/// <summary>
/// Writes workflow steps on the writer's connection with prepared statements: the instance row (inserted, or
/// updated only if still at the version the step was computed from), its bookmarks (each removed one must
/// still be there), its journal row, incidents, consumed stimuli. Every check is a row count, so a step that
/// lost a race is refused whole by the caller's savepoint.
/// </summary>
internal sealed class WorkflowRowWriter : IDisposable
{
    private readonly PreparedInsert _instanceInsert;
    private readonly PreparedUpdate _instanceUpdate;
    private readonly PreparedUpdate _instanceStateUpdate;
    private readonly PreparedInsert _bookmarkInsert;
    private readonly PreparedBulkInsert _bookmarkBulk;
    private readonly PreparedBulkInsert _journalBulk;
    private readonly PreparedDelete _bookmarkDelete;
    private readonly PreparedInsert _journalInsert;
    private readonly PreparedInsert _incidentInsert;
    private readonly PreparedDelete _stimulusDelete;

    public WorkflowRowWriter(CaseFlowDbContext db)
    {
        _instanceInsert = PreparedInsert.For<WorkflowInstanceRow>(db);
        _instanceUpdate = PreparedUpdate.For<WorkflowInstanceRow>(db, nameof(WorkflowInstanceRow.Version));
        // Most steps change only the state: writing only those columns leaves the instance's indexes alone.
        var instance = db.Model.FindEntityType(typeof(WorkflowInstanceRow))!;
        _instanceStateUpdate = PreparedUpdate.For<WorkflowInstanceRow>(db, nameof(WorkflowInstanceRow.Version),
            [instance.FindProperty(nameof(WorkflowInstanceRow.State))!, instance.FindProperty(nameof(WorkflowInstanceRow.Version))!,
             instance.FindProperty(nameof(WorkflowInstanceRow.UpdatedAt))!]);
        _bookmarkInsert = PreparedInsert.For<WorkflowBookmarkRow>(db);
        _bookmarkBulk = PreparedBulkInsert.For<WorkflowBookmarkRow>(db);
        _journalBulk = PreparedBulkInsert.For<WorkflowJournalStepRow>(db);
        _bookmarkDelete = PreparedDelete.For<WorkflowBookmarkRow>(db);
        _journalInsert = PreparedInsert.For<WorkflowJournalStepRow>(db);
        _incidentInsert = PreparedInsert.For<WorkflowIncidentRow>(db);
        _stimulusDelete = PreparedDelete.For<WorkflowStimulusRow>(db);
    }

    /// <returns>Why the step is refused, or null once its rows are written.</returns>
    public async Task<string?> WriteAsync(WorkflowCommit commit, DbTransaction tx)
    {
        var r = commit.Instance;
        var row = WorkflowInstanceRow.From(r);
        if (commit.ExpectedVersion == 0)
        {
            try
            {
                await _instanceInsert.ExecuteAsync(row, tx);
            }
            catch (DbException e) when (IsUniqueViolation(e))
            {
                return $"Instance {r.Id} already exists.";
            }
        }
        else if (await (StateOnly(commit) ? _instanceStateUpdate : _instanceUpdate).ExecuteAsync(row, commit.ExpectedVersion, tx) == 0)
        {
            // Rare (another engine stepped first): say where the instance stands, as the set-wise check does.
            await using var read = tx.Connection!.CreateCommand();
            read.Transaction = tx;
            read.CommandText = $"SELECT \"Version\" FROM \"{WorkflowTables.Instances}\" WHERE \"Id\" = @id";
            var id = read.CreateParameter();
            id.ParameterName = "@id";
            id.Value = r.Id;
            read.Parameters.Add(id);
            return await read.ExecuteScalarAsync() is { } version and not DBNull
                ? $"Instance {r.Id} is at version {version}, the step expected {commit.ExpectedVersion}."
                : $"Instance {r.Id} does not exist.";
        }

        foreach (var id in commit.RemovedBookmarkIds.Distinct(StringComparer.Ordinal))
            if (!await _bookmarkDelete.ExecuteAsync(id, tx))
                return $"Bookmark {id} was already consumed.";
        foreach (var id in commit.ConsumedStimulusIds.Distinct(StringComparer.Ordinal))
            if (!await _stimulusDelete.ExecuteAsync(id, tx))
                return $"Stimulus {id} was already consumed.";
        foreach (var b in commit.AddedBookmarks)
            await _bookmarkInsert.ExecuteAsync(WorkflowBookmarkRow.From(b), tx);
        if (commit.Journal.Count > 0)
            await _journalInsert.ExecuteAsync(WorkflowJournalStepRow.From(r.Id, commit.Journal), tx);
        foreach (var i in commit.Incidents)
            await _incidentInsert.ExecuteAsync(WorkflowIncidentRow.From(i), tx);
        return null;
    }

    /// <summary>
    /// Every check of a batch of steps with three queries (instances' versions, bookmarks and stimuli still there).
    /// Only valid inside a transaction no one else can write into meanwhile — SQLite's, which holds the write lock
    /// from its first statement. Steps of the same batch are checked in order against each other too: a second
    /// step of one instance, or a second consumer of one bookmark, is refused.
    /// </summary>
    /// <returns>Per commit, why it is refused, or null.</returns>
    public IReadOnlyList<string?> Check(IReadOnlyList<WorkflowCommit> commits, SqliteSets sets)
    {
        var versions = sets.Query($"SELECT \"Id\", \"Version\" FROM \"{WorkflowTables.Instances}\" WHERE \"Id\" IN {SqliteSets.Set}",
            commits.Select(c => c.Instance.Id).Distinct(StringComparer.Ordinal), withNumber: true).ToDictionary(r => r.Text, r => r.Number, StringComparer.Ordinal);
        var removed = commits.SelectMany(c => c.RemovedBookmarkIds).Distinct(StringComparer.Ordinal).ToList();
        var bookmarks = removed.Count == 0 ? [] : sets.Query($"SELECT \"Id\" FROM \"{WorkflowTables.Bookmarks}\" WHERE \"Id\" IN {SqliteSets.Set}", removed, false)
            .Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        var consumed = commits.SelectMany(c => c.ConsumedStimulusIds).Distinct(StringComparer.Ordinal).ToList();
        var stimuli = consumed.Count == 0 ? [] : sets.Query($"SELECT \"Id\" FROM \"{WorkflowTables.Stimuli}\" WHERE \"Id\" IN {SqliteSets.Set}", consumed, false)
            .Select(r => r.Text).ToHashSet(StringComparer.Ordinal);

        var results = new string?[commits.Count];
        for (var i = 0; i < commits.Count; i++)
        {
            var c = commits[i];
            var id = c.Instance.Id;
            var known = versions.TryGetValue(id, out var version);
            string? refused = null;
            if (c.ExpectedVersion == 0 ? known : !known || version != c.ExpectedVersion)
                refused = c.ExpectedVersion == 0 ? $"Instance {id} already exists."
                    : known ? $"Instance {id} is at version {version}, the step expected {c.ExpectedVersion}." : $"Instance {id} does not exist.";
            else if (c.RemovedBookmarkIds.FirstOrDefault(b => !bookmarks.Contains(b)) is { } gone)
                refused = $"Bookmark {gone} was already consumed.";
            else if (c.ConsumedStimulusIds.FirstOrDefault(x => !stimuli.Contains(x)) is { } used)
                refused = $"Stimulus {used} was already consumed.";
            results[i] = refused;
            if (refused is not null)
                continue;
            // What this step takes is gone for the steps after it, and what it adds is there for them.
            versions[id] = c.Instance.Version;
            foreach (var b in c.RemovedBookmarkIds) bookmarks.Remove(b);
            foreach (var b in c.AddedBookmarks) bookmarks.Add(b.Id);
            foreach (var x in c.ConsumedStimulusIds) stimuli.Remove(x);
        }
        return results;
    }

    /// <summary>Writes steps that passed <see cref="Check"/>: rows one statement per instance, the rest a few to a statement.</summary>
    public async Task WriteCheckedAsync(IReadOnlyList<WorkflowCommit> commits, SqliteSets sets, DbTransaction tx)
    {
        foreach (var c in commits)
        {
            var row = WorkflowInstanceRow.From(c.Instance);
            var written = c.ExpectedVersion == 0
                ? await _instanceInsert.ExecuteAsync(row, tx)
                : await (StateOnly(c) ? _instanceStateUpdate : _instanceUpdate).ExecuteAsync(row, c.ExpectedVersion, tx);
            if (written != 1)
                throw new InvalidOperationException($"Instance {c.Instance.Id} passed its check but was not written.");
        }
        // A bookmark one step of the batch adds and a later one consumes is never written at all.
        var added = commits.SelectMany(c => c.AddedBookmarks).ToList();
        var removedSet = commits.SelectMany(c => c.RemovedBookmarkIds).ToHashSet(StringComparer.Ordinal);
        var addedIds = added.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var removed = removedSet.Where(id => !addedIds.Contains(id)).ToList();
        if (removed.Count > 0)
            sets.Execute($"DELETE FROM \"{WorkflowTables.Bookmarks}\" WHERE \"Id\" IN {SqliteSets.Set}", removed);
        var consumed = commits.SelectMany(c => c.ConsumedStimulusIds).Distinct(StringComparer.Ordinal).ToList();
        if (consumed.Count > 0)
            sets.Execute($"DELETE FROM \"{WorkflowTables.Stimuli}\" WHERE \"Id\" IN {SqliteSets.Set}", consumed);
        await _bookmarkBulk.ExecuteAsync(added.Where(b => !removedSet.Contains(b.Id)).Select(WorkflowBookmarkRow.From).ToList(), tx);
        await _journalBulk.ExecuteAsync(commits.Where(c => c.Journal.Count > 0).Select(c => WorkflowJournalStepRow.From(c.Instance.Id, c.Journal)).ToList(), tx);
        foreach (var i in commits.SelectMany(c => c.Incidents))
            await _incidentInsert.ExecuteAsync(WorkflowIncidentRow.From(i), tx);
    }

    private static bool StateOnly(WorkflowCommit commit) =>
        commit.Previous is { } p && p.Status == commit.Instance.Status && p.Name == commit.Instance.Name && p.CorrelationId == commit.Instance.CorrelationId;

    private static bool IsUniqueViolation(DbException e) =>
        e is SqliteException { SqliteErrorCode: 19 } || e.SqlState == "23505";

    public void Dispose()
    {
        _instanceInsert.Dispose();
        _instanceUpdate.Dispose();
        _instanceStateUpdate.Dispose();
        _bookmarkInsert.Dispose();
        _bookmarkBulk.Dispose();
        _journalBulk.Dispose();
        _bookmarkDelete.Dispose();
        _journalInsert.Dispose();
        _incidentInsert.Dispose();
        _stimulusDelete.Dispose();
    }
}
