using System.Data.Common;
using CaseFlow.Core.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The case rows the writer writes without EF's change tracker: new cases with their Registered event and
/// request record, case events, and the version-checked update of a case a workflow step changed. Prepared
/// once on the writer's connection (<see cref="PreparedStatement"/>), used inside the batch's transaction.
/// </summary>
internal sealed class CaseInserter : IDisposable
{
    private readonly PreparedInsert _cases;
    private readonly PreparedInsert _events;
    private readonly PreparedBulkInsert _eventsBulk;
    private readonly PreparedBulkInsert _casesBulk;
    private readonly PreparedBulkInsert _requestsBulk;
    private readonly PreparedInsert _requests;
    private readonly CaseFlowDbContext _db;
    private readonly IProperty[] _caseColumns;
    // One UPDATE per set of changed columns: a workflow step changes the same few (due time, warning, level), so
    // there are only a handful of sets, and none of them rewrites the case's indexes.
    private readonly Dictionary<ulong, PreparedUpdate> _caseUpdates = [];

    /// <summary>Every case event written since the writer last cleared it (at the start of each batch), for telemetry.</summary>
    public List<CaseEvent> Written { get; } = [];

    /// <summary>Prepares on the context's connection, which must be open and stay open while this is used.</summary>
    public CaseInserter(CaseFlowDbContext db)
    {
        _cases = PreparedInsert.For<Case>(db);
        _events = PreparedInsert.For<CaseEvent>(db);
        _eventsBulk = PreparedBulkInsert.For<CaseEvent>(db, withKey: true);
        _casesBulk = PreparedBulkInsert.For<Case>(db, withKey: true);
        _requestsBulk = PreparedBulkInsert.For<RequestRecord>(db);
        _requests = PreparedInsert.For<RequestRecord>(db);
        _db = db;
        var entity = db.Model.FindEntityType(typeof(Case))!;
        var key = entity.FindPrimaryKey()!.Properties;
        _caseColumns = entity.GetProperties().Where(p => !key.Contains(p)).ToArray();
        if (_caseColumns.Length > 64)
            throw new InvalidOperationException("A case has more than 64 columns; the changed-column mask needs a wider type.");
    }

    /// <summary>Inserts the rows and sets the ids the database generated, as SaveChanges would have.</summary>
    public async Task InsertAsync(Case c, CaseEvent registered, RequestRecord? request, DbTransaction tx)
    {
        try
        {
            c.AssignId(await _cases.ExecuteAsync(c, tx));
            registered.Id = await _events.ExecuteAsync(registered, tx);
            Written.Add(registered);
            if (request is not null) await _requests.ExecuteAsync(request, tx);
        }
        catch (DbException ex)
        {
            // Callers saw SaveChanges' exception type when EF wrote these rows; keep it.
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", ex);
        }
    }

    /// <summary>New cases with their first events and request records, several rows to a statement.</summary>
    public async Task InsertManyAsync(IReadOnlyList<Case> cases, IReadOnlyList<CaseEvent> events, IReadOnlyList<RequestRecord> requests, DbTransaction tx)
    {
        try
        {
            var caseIds = await ReserveIdsAsync("Cases", cases.Count, tx);
            for (var i = 0; i < cases.Count; i++) cases[i].AssignId(caseIds[i]);
            await _casesBulk.ExecuteAsync(cases, tx);
            await InsertEventsAsync(events, tx);
            await _requestsBulk.ExecuteAsync(requests, tx);
        }
        catch (DbException ex)
        {
            // Callers saw SaveChanges' exception type when EF wrote these rows; keep it.
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", ex);
        }
    }

    public async Task InsertEventAsync(CaseEvent e, DbTransaction tx)
    {
        e.Id = await _events.ExecuteAsync(e, tx);
        Written.Add(e);
    }

    /// <summary>Many events, several to a statement, numbered here.</summary>
    public async Task InsertEventsAsync(IReadOnlyList<CaseEvent> events, DbTransaction tx)
    {
        if (events.Count == 0) return;
        var ids = await ReserveIdsAsync("CaseEvents", events.Count, tx);
        for (var i = 0; i < events.Count; i++) events[i].Id = ids[i];
        await _eventsBulk.ExecuteAsync(events, tx);
        Written.AddRange(events);
    }

    /// <summary>
    /// Ids for rows of an auto-numbered table, reserved before they are inserted several to a statement, in arrival
    /// order. On SQLite only the writer inserts and it holds the write lock for the batch, so the ids after the
    /// current largest are free until it commits. On PostgreSQL they come from the column's sequence, which
    /// replicas share.
    /// </summary>
    private static async Task<long[]> ReserveIdsAsync(string table, int count, DbTransaction tx)
    {
        using var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        var ids = new long[count];
        if (tx.Connection is Microsoft.Data.Sqlite.SqliteConnection)
        {
            cmd.CommandText = $"SELECT COALESCE(MAX(\"Id\"), 0) + 1 FROM \"{table}\"";
            var first = Convert.ToInt64(await cmd.ExecuteScalarAsync());
            for (var i = 0; i < count; i++) ids[i] = first + i;
            return ids;
        }
        cmd.CommandText = $"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'Id')) FROM generate_series(1, {count})";
        await using var reader = await cmd.ExecuteReaderAsync();
        for (var i = 0; await reader.ReadAsync(); i++) ids[i] = reader.GetInt64(0);
        return ids;
    }

    /// <summary>
    /// Writes the columns that differ from <paramref name="loaded"/> if the row is still at <paramref name="loadedVersion"/>;
    /// false when it moved on. With nothing changed it still checks the version, so a stale step is refused either way.
    /// </summary>
    public async Task<bool> UpdateAsync(Case c, Case loaded, int loadedVersion, DbTransaction tx)
    {
        ulong mask = 0;
        for (var i = 0; i < _caseColumns.Length; i++)
        {
            var getter = _caseColumns[i].GetGetter();
            if (!Equals(getter.GetClrValue(c), getter.GetClrValue(loaded)))
                mask |= 1UL << i;
        }
        // The version column is always written: it is the check, and keeps the statement valid when nothing else changed.
        mask |= 1UL << Array.FindIndex(_caseColumns, p => p.Name == nameof(Case.Version));
        if (!_caseUpdates.TryGetValue(mask, out var update))
        {
            var set = _caseColumns.Where((_, i) => (mask & (1UL << i)) != 0).ToList();
            _caseUpdates[mask] = update = PreparedUpdate.For<Case>(_db, nameof(Case.Version), set);
        }
        return await update.ExecuteAsync(c, loadedVersion, tx) == 1;
    }

    public void Dispose()
    {
        _cases.Dispose();
        _events.Dispose();
        _eventsBulk.Dispose();
        _casesBulk.Dispose();
        _requestsBulk.Dispose();
        _requests.Dispose();
        foreach (var update in _caseUpdates.Values) update.Dispose();
    }
}
