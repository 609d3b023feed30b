using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence.Workflows;

/// <summary>
/// Instances, bookmarks, stimuli, journal and incidents in the CaseFlow database. Step commits go through the
/// single <see cref="CaseWriter"/>, a batch of steps as one request: each step under a savepoint, its checks
/// row counts (a version-guarded instance update, counted deletes), so two engines over one database cannot
/// both apply a step: the loser sees a count it did not expect and only its own writes are undone.
/// </summary>
/// <param name="effects">Applies <see cref="WorkflowCommit.DomainEffects"/> inside the commit; without one, a
/// commit carrying effects is refused rather than committed without them.</param>
public sealed class EfWorkflowStore(CaseFlowDatabase database, CaseWriter writer, IWorkflowEffectApplier? effects = null)
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

    public async ValueTask<CommitResult> CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default) =>
        (await CommitBatchAsync([commit], cancellationToken))[0];

    /// <summary>One writer request for the batch, so it shares the writer's transaction (and fsync) with whatever
    /// else is queued; each commit is accepted or refused on its own.</summary>
    public async ValueTask<IReadOnlyList<CommitResult>> CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default)
    {
        foreach (var commit in commits)
            RequireApplierFor(commit);
        if (commits.Count == 0)
            return [];
        return await writer.SubmitAsync(new StepsOp(commits, effects), cancellationToken);
    }

    /// <summary>Writes prepared steps in the writer's transaction, ahead of the batch's other requests.</summary>
    internal sealed class StepsOp(IReadOnlyList<WorkflowCommit> commits, IWorkflowEffectApplier? effects) : WriteOp<IReadOnlyList<CommitResult>>
    {
        public override bool WritesFirst => true;

        public override async Task ApplyAsync(WriteBatch batch)
        {
            if (batch.Sets is { } sets && await TrySetWiseAsync(batch, sets) is { } done)
            {
                SetResult(() => done);
                return;
            }
            await OneByOneAsync(batch);
        }

        /// <summary>
        /// All the batch's checks with a few queries, then all the accepted steps' writes, a few rows to a statement.
        /// If anything throws, the whole attempt is undone and the steps go one by one under savepoints, so only
        /// the guilty step fails.
        /// </summary>
        private async Task<IReadOnlyList<CommitResult>?> TrySetWiseAsync(WriteBatch batch, SqliteSets sets)
        {
            try
            {
                return await batch.UnderSavepointAsync(async () =>
                {
                    var rows = batch.WorkflowRows.Check(commits, sets);
                    var withEffects = commits.Select((c, i) => rows[i] is null ? c.DomainEffects : []).ToList();
                    var fx = commits.Any(c => c.DomainEffects.Count > 0) ? effects!.Check(batch, withEffects) : new string?[commits.Count];
                    var results = commits.Select((_, i) => (rows[i] ?? fx[i]) is { } refused ? CommitResult.Conflict(refused) : CommitResult.Success).ToList();
                    var accepted = commits.Where((_, i) => results[i].Committed).ToList();
                    await batch.WorkflowRows.WriteCheckedAsync(accepted, sets, batch.Transaction);
                    if (accepted.Any(c => c.DomainEffects.Count > 0))
                        await effects!.WriteCheckedAsync(batch, accepted.Select(c => c.DomainEffects).ToList());
                    _setWise = results;
                    return null;
                }) is null ? _setWise : null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return null;
            }
        }

        private IReadOnlyList<CommitResult>? _setWise;

        private async Task OneByOneAsync(WriteBatch batch)
        {
            var results = new List<CommitResult>(commits.Count);
            foreach (var commit in commits)
            {
                try
                {
                    var refused = await batch.UnderSavepointAsync(async () =>
                        await batch.WorkflowRows.WriteAsync(commit, batch.Transaction)
                        ?? (commit.DomainEffects.Count > 0 ? await effects!.ApplyAsync(batch, commit.DomainEffects) : null));
                    results.Add(refused is null ? CommitResult.Success : CommitResult.Conflict(refused));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Only this step's writes were undone; the others of the batch go on.
                    results.Add(CommitResult.Failure($"{e.GetType().Name}: {e.Message}"));
                }
            }
            SetResult(() => results);
        }
    }

    private void RequireApplierFor(WorkflowCommit commit)
    {
        if (commit.DomainEffects.Count > 0 && effects is null)
            throw new InvalidOperationException(
                $"The step of instance {commit.Instance.Id} carries {commit.DomainEffects.Count} domain effect(s) " +
                $"({string.Join(", ", commit.DomainEffects.Select(e => e.GetType().Name).Distinct())}) but no {nameof(IWorkflowEffectApplier)} is registered; " +
                "committing the step without them would lose them.");
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

    public async ValueTask<int> CountActiveAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        return await db.WorkflowInstances
            .CountAsync(i => i.DefinitionId == definitionId && (i.Status == WorkflowStatus.Running || i.Status == WorkflowStatus.Suspended), cancellationToken);
    }

    public async ValueTask<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var rows = await db.WorkflowJournal.Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
        return rows.SelectMany(j => j.ToRecords()).ToList();
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
        // Both contexts store instants as UTC ticks, so the claim binds ticks on either.
        var claimed = db.WorkflowBookmarks.FromSqlRaw(db.Database.IsNpgsql() ? PostgresClaimSql : SqliteClaimSql, now.UtcTicks, owner, leaseUntil.UtcTicks, max);
        // RETURNING gives rows in no particular order; the engine expects earliest first.
        var rows = await claimed.AsNoTracking().ToListAsync(cancellationToken);
        return rows.OrderBy(b => b.DueAt).ThenBy(b => b.Id, StringComparer.Ordinal).Select(b => b.ToRecord()).ToList();
    }

    public async ValueTask RenewClaimsAsync(IReadOnlyList<string> bookmarkIds, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        if (bookmarkIds.Count == 0)
            return;
        await using var db = database.CreateContext();
        var ids = bookmarkIds.ToList();
        await db.WorkflowBookmarks.Where(b => ids.Contains(b.Id) && b.ClaimOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.LeaseUntil, leaseUntil), cancellationToken);
    }

    public async ValueTask<int> ReleaseClaimsAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        return await db.WorkflowBookmarks.Where(b => b.ClaimOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.ClaimOwner, (string?)null).SetProperty(b => b.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
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
