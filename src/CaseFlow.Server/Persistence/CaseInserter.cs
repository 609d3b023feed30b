using System.Data.Common;
using CaseFlow.Core.Cases;
using Microsoft.EntityFrameworkCore;

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
    private readonly PreparedInsert _requests;
    private readonly PreparedUpdate _caseUpdate;

    /// <summary>Prepares on the context's connection, which must be open and stay open while this is used.</summary>
    public CaseInserter(CaseFlowDbContext db)
    {
        _cases = PreparedInsert.For<Case>(db);
        _events = PreparedInsert.For<CaseEvent>(db);
        _requests = PreparedInsert.For<RequestRecord>(db);
        _caseUpdate = PreparedUpdate.For<Case>(db, nameof(Case.Version));
    }

    /// <summary>Inserts the rows and sets the ids the database generated, as SaveChanges would have.</summary>
    public async Task InsertAsync(Case c, CaseEvent registered, RequestRecord? request, DbTransaction tx)
    {
        try
        {
            c.Id = await _cases.ExecuteAsync(c, tx);
            registered.Id = await _events.ExecuteAsync(registered, tx);
            if (request is not null) await _requests.ExecuteAsync(request, tx);
        }
        catch (DbException ex)
        {
            // Callers saw SaveChanges' exception type when EF wrote these rows; keep it.
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", ex);
        }
    }

    public async Task InsertEventAsync(CaseEvent e, DbTransaction tx) => e.Id = await _events.ExecuteAsync(e, tx);

    /// <summary>Writes the whole case row if it is still at <paramref name="loadedVersion"/>; false when it moved on.</summary>
    public async Task<bool> UpdateAsync(Case c, int loadedVersion, DbTransaction tx) => await _caseUpdate.ExecuteAsync(c, loadedVersion, tx) == 1;

    public void Dispose()
    {
        _cases.Dispose();
        _events.Dispose();
        _requests.Dispose();
        _caseUpdate.Dispose();
    }
}
