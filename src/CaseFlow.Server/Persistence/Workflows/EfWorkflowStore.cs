using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence.Workflows;

/// <summary>
/// Instances, bookmarks, stimuli, journal and incidents in the CaseFlow database. Every step commit is one
/// transaction whose checks are conditional statements (version-guarded update, counted deletes), so two
/// engines over one database cannot both apply a step: the loser sees a count it did not expect and rolls back.
/// </summary>
/// <param name="effects">Applies <see cref="WorkflowCommit.DomainEffects"/> inside the commit; without one, a
/// commit carrying effects is refused rather than committed without them.</param>
public sealed class EfWorkflowStore(CaseFlowDatabase database, IWorkflowEffectApplier? effects = null)
    : IWorkflowInstanceStore, IBookmarkStore, IStimulusStore
{
    // {0} now, {1} owner, {2} lease until, {3} max: FromSqlRaw placeholders, bound as provider parameters.
    private const string ClaimSelect =
        $$"""
          SELECT "Id" FROM "{{WorkflowTables.Bookmarks}}"
          WHERE {{WorkflowTables.TimedFilter}} AND "DueAt" <= {0} AND ("LeaseUntil" IS NULL OR "LeaseUntil" < {0})
          ORDER BY "DueAt"
          LIMIT {3}
          """;

    // One statement, so on SQLite it runs under the single write lock and no two engines can take the same
    // row; PostgreSQL runs writers side by side, so there the subquery locks its rows and skips those another
    // claim holds rather than waiting for them.
    internal const string SqliteClaimSql =
        $$"""
          UPDATE "{{WorkflowTables.Bookmarks}}" SET "ClaimOwner" = {1}, "LeaseUntil" = {2}
          WHERE "Id" IN ({{ClaimSelect}})
          RETURNING *
          """;

    internal const string PostgresClaimSql =
        $$"""
          UPDATE "{{WorkflowTables.Bookmarks}}" SET "ClaimOwner" = {1}, "LeaseUntil" = {2}
          WHERE "Id" IN ({{ClaimSelect}}
          FOR UPDATE SKIP LOCKED)
          RETURNING *
          """;

    public async ValueTask<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var row = await db.WorkflowInstances.FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        return row?.ToRecord();
    }

    public async ValueTask<IReadOnlyDictionary<string, InstanceRecord>> GetManyAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, InstanceRecord>(StringComparer.Ordinal);
        if (instanceIds.Count == 0)
            return result;
        await using var db = database.CreateContext();
        var ids = instanceIds.Distinct(StringComparer.Ordinal).ToList();
        foreach (var row in await db.WorkflowInstances.Where(i => ids.Contains(i.Id)).ToListAsync(cancellationToken))
            result[row.Id] = row.ToRecord();
        return result;
    }

    public async ValueTask<CommitResult> CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default)
    {
        RequireApplierFor(commit);
        await using var db = database.CreateContext();
        // A rejected commit rolls back the whole transaction, so SaveChanges' own savepoint buys nothing.
        db.Database.AutoSavepointsEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await ApplyAsync(db, commit, cancellationToken);
        if (result.Committed)
            await tx.CommitAsync(cancellationToken);
        else
            await tx.RollbackAsync(cancellationToken);
        return result;
    }

    /// <summary>One transaction for the batch; each commit runs inside its own savepoint, so a rejected one
    /// is undone alone and the others still commit.</summary>
    public async ValueTask<IReadOnlyList<CommitResult>> CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default)
    {
        foreach (var commit in commits)
            RequireApplierFor(commit);
        if (commits.Count == 0)
            return [];
        await using var db = database.CreateContext();
        // The per-commit savepoints below already bound each rollback.
        db.Database.AutoSavepointsEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var results = new List<CommitResult>(commits.Count);
        for (var i = 0; i < commits.Count; i++)
        {
            var savepoint = $"commit{i}";
            await tx.CreateSavepointAsync(savepoint, cancellationToken);
            var result = await ApplyAsync(db, commits[i], cancellationToken);
            if (result.Committed)
                await tx.ReleaseSavepointAsync(savepoint, cancellationToken);
            else
                await tx.RollbackToSavepointAsync(savepoint, cancellationToken);
            results.Add(result);
        }
        await tx.CommitAsync(cancellationToken);
        return results;
    }

    private void RequireApplierFor(WorkflowCommit commit)
    {
        if (commit.DomainEffects.Count > 0 && effects is null)
            throw new InvalidOperationException(
                $"The step of instance {commit.Instance.Id} carries {commit.DomainEffects.Count} domain effect(s) " +
                $"({string.Join(", ", commit.DomainEffects.Select(e => e.GetType().Name).Distinct())}) but no {nameof(IWorkflowEffectApplier)} is registered; " +
                "committing the step without them would lose them.");
    }

    /// <summary>Applies one commit inside the caller's transaction. On a conflict the caller rolls back: the
    /// statements already run here are undone with it, and the change tracker is left empty.</summary>
    private async Task<CommitResult> ApplyAsync(CaseFlowDbContext db, WorkflowCommit commit, CancellationToken ct)
    {
        try
        {
            var conflict = await CheckAndWriteAsync(db, commit, ct);
            if (conflict is not null)
                return CommitResult.Conflict(conflict);
            if (commit.DomainEffects.Count > 0)
                await effects!.ApplyAsync(db, commit.DomainEffects, ct);
            await db.SaveChangesAsync(ct);
            return CommitResult.Success;
        }
        catch (DbUpdateConcurrencyException ex)
        {
            return CommitResult.Conflict($"A domain change of instance {commit.Instance.Id}'s step met a concurrent change: {ex.Message}");
        }
        catch (DbUpdateException) when (commit.ExpectedVersion == 0)
        {
            // SQLite's write lock makes the existence check exact; where writers run side by side (PostgreSQL)
            // a start with the same caller-chosen id can slip in between and fail the insert instead.
            if (await InstanceExistsAsync(commit.Instance.Id, ct))
                return CommitResult.Conflict($"Instance {commit.Instance.Id} already exists (inserted concurrently).");
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>On a context of its own: the failed one's transaction may be unusable until rolled back.</summary>
    private async Task<bool> InstanceExistsAsync(string instanceId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.WorkflowInstances.AnyAsync(i => i.Id == instanceId, ct);
    }

    /// <returns>The conflict, or null once every check has passed and the rows are written or tracked.</returns>
    private static async Task<string?> CheckAndWriteAsync(CaseFlowDbContext db, WorkflowCommit commit, CancellationToken ct)
    {
        var r = commit.Instance;
        if (commit.ExpectedVersion == 0)
        {
            if (await db.WorkflowInstances.AnyAsync(i => i.Id == r.Id, ct))
                return $"Instance {r.Id} already exists.";
            db.WorkflowInstances.Add(WorkflowInstanceRow.From(r));
        }
        else
        {
            var expected = commit.ExpectedVersion;
            var updated = await db.WorkflowInstances
                .Where(i => i.Id == r.Id && i.Version == expected)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.CorrelationId, r.CorrelationId)
                    .SetProperty(i => i.Name, r.Name)
                    .SetProperty(i => i.Status, r.Status)
                    .SetProperty(i => i.State, r.State)
                    .SetProperty(i => i.Version, r.Version)
                    .SetProperty(i => i.UpdatedAt, r.UpdatedAt), ct);
            if (updated == 0)
            {
                var actual = await db.WorkflowInstances.Where(i => i.Id == r.Id).Select(i => (long?)i.Version).FirstOrDefaultAsync(ct);
                return $"Instance {r.Id} is at version {actual?.ToString() ?? "none"}, the commit expected {expected}.";
            }
        }

        var removed = commit.RemovedBookmarkIds.Distinct(StringComparer.Ordinal).ToList();
        if (removed.Count > 0)
        {
            var deleted = await db.WorkflowBookmarks.Where(b => removed.Contains(b.Id)).ExecuteDeleteAsync(ct);
            if (deleted != removed.Count)
                return $"{removed.Count - deleted} of bookmark(s) {string.Join(", ", removed)} were already consumed.";
        }

        var consumed = commit.ConsumedStimulusIds.Distinct(StringComparer.Ordinal).ToList();
        if (consumed.Count > 0)
        {
            var deleted = await db.WorkflowStimuli.Where(s => consumed.Contains(s.Id)).ExecuteDeleteAsync(ct);
            if (deleted != consumed.Count)
                return $"{consumed.Count - deleted} of stimulus(es) {string.Join(", ", consumed)} were already consumed.";
        }

        db.WorkflowBookmarks.AddRange(commit.AddedBookmarks.Select(WorkflowBookmarkRow.From));
        db.WorkflowJournal.AddRange(commit.Journal.Select(WorkflowJournalEntryRow.From));
        db.WorkflowIncidents.AddRange(commit.Incidents.Select(WorkflowIncidentRow.From));
        return null;
    }

    public async ValueTask<IReadOnlyList<InstanceRecord>> ListAsync(InstanceQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = db.WorkflowInstances.AsQueryable();
        if (query.DefinitionId is { } definitionId)
            rows = rows.Where(i => i.DefinitionId == definitionId);
        if (query.Status is { } status)
            rows = rows.Where(i => i.Status == status);
        if (query.CorrelationId is { } correlationId)
            rows = rows.Where(i => i.CorrelationId == correlationId);
        var page = await rows.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id)
            .Skip(Math.Max(0, query.Skip)).Take(Math.Max(0, query.Take))
            .ToListAsync(cancellationToken);
        return page.Select(i => i.ToRecord()).ToList();
    }

    public async ValueTask<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = await db.WorkflowJournal.Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
        return rows.Select(j => j.ToRecord()).ToList();
    }

    public async ValueTask<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = await db.WorkflowIncidents.Where(i => i.InstanceId == instanceId).OrderBy(i => i.At).ThenBy(i => i.Id).ToListAsync(cancellationToken);
        return rows.Select(i => i.ToRecord()).ToList();
    }

    public async ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string? correlationId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = db.WorkflowBookmarks.Where(b => b.Kind == BookmarkKind.Event && b.EventName == eventName);
        // Split by hand: a nullable parameter compared with == becomes an OR that no index serves.
        rows = correlationId is null ? rows.Where(b => b.CorrelationId == null) : rows.Where(b => b.CorrelationId == correlationId);
        var list = await rows.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).ToListAsync(cancellationToken);
        return list.Select(b => b.ToRecord()).ToList();
    }

    public async ValueTask<IReadOnlyList<Bookmark>> ClaimDueTimersAsync(DateTimeOffset now, int max, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
            return [];
        await using var db = database.CreateContext();
        var claimed = db.Database.IsNpgsql()
            ? db.WorkflowBookmarks.FromSqlRaw(PostgresClaimSql, now.ToUniversalTime(), owner, leaseUntil.ToUniversalTime(), max)
            : db.Database.IsSqlite()
                ? db.WorkflowBookmarks.FromSqlRaw(SqliteClaimSql, now.UtcTicks, owner, leaseUntil.UtcTicks, max)
                : throw new NotSupportedException($"No timer claim statement for provider {db.Database.ProviderName}.");
        // RETURNING gives rows in no particular order; the engine expects earliest first.
        var rows = await claimed.AsNoTracking().ToListAsync(cancellationToken);
        return rows.OrderBy(b => b.DueAt).ThenBy(b => b.Id, StringComparer.Ordinal).Select(b => b.ToRecord()).ToList();
    }

    public async ValueTask DeleteAsync(IReadOnlyList<string> bookmarkIds, CancellationToken cancellationToken = default)
    {
        if (bookmarkIds.Count == 0)
            return;
        await using var db = database.CreateContext();
        var ids = bookmarkIds.Distinct(StringComparer.Ordinal).ToList();
        await db.WorkflowBookmarks.Where(b => ids.Contains(b.Id)).ExecuteDeleteAsync(cancellationToken);
    }

    public async ValueTask ReplaceTriggersAsync(string definitionId, IReadOnlyList<Bookmark> triggers, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.WorkflowBookmarks.Where(b => b.DefinitionId == definitionId && b.Kind == BookmarkKind.Trigger).ExecuteDeleteAsync(cancellationToken);
        db.WorkflowBookmarks.AddRange(triggers.Select(WorkflowBookmarkRow.From));
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Bookmark>> ListTriggersAsync(string? definitionId = null, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = db.WorkflowBookmarks.Where(b => b.Kind == BookmarkKind.Trigger);
        if (definitionId is not null)
            rows = rows.Where(b => b.DefinitionId == definitionId);
        var list = await rows.OrderBy(b => b.DueAt).ThenBy(b => b.Id).ToListAsync(cancellationToken);
        return list.Select(b => b.ToRecord()).ToList();
    }

    public async ValueTask<IReadOnlyList<Bookmark>> ListForInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var list = await db.WorkflowBookmarks.Where(b => b.InstanceId == instanceId).OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).ToListAsync(cancellationToken);
        return list.Select(b => b.ToRecord()).ToList();
    }

    public async ValueTask<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        // The first row of the partial due-time index, rather than MIN, so the plan is one index seek by construction.
        return await db.WorkflowBookmarks
            .Where(b => b.Kind == BookmarkKind.Timer || b.Kind == BookmarkKind.Trigger)
            .OrderBy(b => b.DueAt)
            .Select(b => b.DueAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async ValueTask AddAsync(Stimulus stimulus, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        db.WorkflowStimuli.Add(WorkflowStimulusRow.From(stimulus));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Stimulus>> FindAsync(string eventName, string? correlationId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = db.WorkflowStimuli.Where(s => s.EventName == eventName);
        rows = correlationId is null ? rows.Where(s => s.CorrelationId == null) : rows.Where(s => s.CorrelationId == correlationId);
        var list = await rows.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        return list.Select(s => s.ToRecord()).ToList();
    }

    public async ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        return await db.WorkflowStimuli.Where(s => s.ExpiresAt != null && s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }
}
