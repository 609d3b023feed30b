using CaseFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence.Workflows;

/// <summary>Workflow definition versions in the CaseFlow database, one row per (DefinitionId, Version).</summary>
public sealed class EfWorkflowDefinitionStore(CaseFlowDatabase database) : IWorkflowDefinitionStore
{
    public async ValueTask<StoredDefinition?> GetAsync(string definitionId, int version, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var row = await db.WorkflowDefinitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.Version == version, cancellationToken);
        return row?.ToRecord();
    }

    public async ValueTask<StoredDefinition?> GetPublishedAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var row = await db.WorkflowDefinitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.IsPublished, cancellationToken);
        return row?.ToRecord();
    }

    public async ValueTask<IReadOnlyDictionary<string, int>> ListPublishedVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        return await db.WorkflowDefinitions.AsNoTracking().Where(d => d.IsPublished)
            .ToDictionaryAsync(d => d.DefinitionId, d => d.Version, StringComparer.Ordinal, cancellationToken);
    }

    public async ValueTask<StoredDefinition?> GetLatestAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var row = await db.WorkflowDefinitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.IsLatest, cancellationToken);
        return row?.ToRecord();
    }

    public async ValueTask<IReadOnlyList<StoredDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = await db.WorkflowDefinitions.Where(d => d.DefinitionId == definitionId).OrderBy(d => d.Version).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async ValueTask<IReadOnlyList<StoredDefinition>> ListLatestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = await db.WorkflowDefinitions.Where(d => d.IsLatest).OrderBy(d => d.DefinitionId).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async ValueTask SaveAsync(IReadOnlyList<StoredDefinition> versions, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var v in versions)
        {
            // Tracked (the factory's contexts default to no tracking), so the assignment below becomes an UPDATE.
            var row = await db.WorkflowDefinitions.AsTracking()
                .FirstOrDefaultAsync(d => d.DefinitionId == v.DefinitionId && d.Version == v.Version, cancellationToken);
            if (row is null)
                db.WorkflowDefinitions.Add(row = new WorkflowDefinitionRow());
            row.CopyFrom(v);
        }
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }
}
