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
            return $"Instance {r.Id} is no longer at version {commit.ExpectedVersion}.";
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
        _bookmarkDelete.Dispose();
        _journalInsert.Dispose();
        _incidentInsert.Dispose();
        _stimulusDelete.Dispose();
    }
}
