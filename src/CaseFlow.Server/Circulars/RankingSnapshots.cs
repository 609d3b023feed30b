using System.Text.Json;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Circulars;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

public sealed record StoredRanking(long Id, Ranking Ranking);

/// <summary>
/// Rankings and recurring complaints: computed from the database, stored as immutable snapshots (inserted,
/// never updated) so the circulars and reviews that cite one stay true to it.
/// </summary>
public sealed class RankingSnapshots(CaseFlowDatabase database, RankingQueries queries, IDirectoryProvider directory, ScorecardStore scorecards,
    TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = Scorecard.Json;

    /// <summary>The scorecard a ranking was computed with (the one in force for a ranking not yet stored).</summary>
    public async Task<Scorecard> ScorecardOfAsync(Ranking ranking, CancellationToken ct)
    {
        try { return (await scorecards.GetAsync(ranking.ScorecardVersion, ct)).Scorecard; }
        // A shipped file replaced by a newer one since: its version is gone, and the letter explains with the one in force.
        catch (CaseFlowException e) when (e.Kind == ErrorKind.NotFound) { return await scorecards.LoadAsync(ct); }
    }

    /// <summary>Ranks a period now, without storing it (a preview).</summary>
    public async Task<Ranking> RankAsync(RankingPeriod period, CancellationToken ct)
    {
        period.Validate();
        var calculator = new RankingCalculator(await scorecards.LoadAsync(ct));
        var counts = await queries.CountsAsync(period, calculator.PendingDays, calculator.NotAttendedDays, ct);
        return calculator.Rank(counts, period, time.GetUtcNow());
    }

    /// <param name="requestKey">The workflow step that asks; a redone step finds the snapshot it already made.</param>
    public async Task<StoredRanking> ComputeAndStoreAsync(RankingPeriod period, string? requestKey, CancellationToken ct)
    {
        if (requestKey is not null && await FindByKeyAsync(requestKey, ct) is { } done) return done;
        var ranking = await RankAsync(period, ct);
        await using var db = database.CreateContext();
        var row = new RankingSnapshotRow
        {
            PeriodFrom = period.From, PeriodTo = period.To, ComputedAt = ranking.ComputedAt, ScorecardVersion = ranking.ScorecardVersion,
            RequestKey = requestKey, Json = JsonSerializer.Serialize(ranking, Json),
        };
        db.RankingSnapshots.Add(row);
        await db.SaveChangesAsync(ct);
        return new StoredRanking(row.Id, ranking);
    }

    private async Task<StoredRanking?> FindByKeyAsync(string requestKey, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.RankingSnapshots.FirstOrDefaultAsync(r => r.RequestKey == requestKey, ct);
        return row is null ? null : new StoredRanking(row.Id, JsonSerializer.Deserialize<Ranking>(row.Json, Json)!);
    }

    /// <param name="id">0 for the latest.</param>
    public async Task<StoredRanking> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = id == 0
            ? await db.RankingSnapshots.OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct)
            : await db.RankingSnapshots.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null) throw CaseFlowException.NotFound("Ranking", id == 0 ? "latest" : id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new StoredRanking(row.Id, JsonSerializer.Deserialize<Ranking>(row.Json, Json)!);
    }

    /// <summary>Detects a week's recurring complaints now, without storing them.</summary>
    public async Task<IReadOnlyList<RecurringIssue>> DetectAsync(IsoWeek week, CancellationToken ct)
    {
        var settings = (await scorecards.LoadAsync(ct)).Recurring;
        var (counts, complaints) = await queries.RecurringInputsAsync(week, settings.BaselineWeeks, ct);
        var snapshot = directory.Current;
        return new RecurringDetector(settings).Detect(counts, complaints, week,
            category => snapshot.CategoriesById.TryGetValue(category, out var c) ? c.Department : null);
    }

    /// <summary>Detects the recurring complaints of a snapshot's last week and stores them with it (once per request key).</summary>
    public async Task<IReadOnlyList<RecurringIssue>> DetectAndStoreAsync(long snapshotId, string requestKey, CancellationToken ct)
    {
        await using (var db = database.CreateContext())
        {
            var done = await db.RecurringSnapshots.FirstOrDefaultAsync(r => r.RequestKey == requestKey, ct);
            if (done is not null) return JsonSerializer.Deserialize<List<RecurringIssue>>(done.Json, Json)!;
        }
        var ranking = await GetAsync(snapshotId, ct);
        var week = CircularModels.WeekOf(ranking.Ranking.Period);
        var issues = await DetectAsync(week, ct);
        await using var write = database.CreateContext();
        write.RecurringSnapshots.Add(new RecurringSnapshotRow
        {
            Week = week.ToString(), RankingSnapshotId = snapshotId, ComputedAt = time.GetUtcNow(), RequestKey = requestKey,
            Json = JsonSerializer.Serialize(issues, Json),
        });
        await write.SaveChangesAsync(ct);
        return issues;
    }

    /// <summary>The issues stored for a week (the latest detection), else detected now.</summary>
    public async Task<IReadOnlyList<RecurringIssue>> RecurringIssuesAsync(IsoWeek week, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var key = week.ToString();
        var stored = await db.RecurringSnapshots.Where(r => r.Week == key).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        return stored is not null ? JsonSerializer.Deserialize<List<RecurringIssue>>(stored.Json, Json)! : await DetectAsync(week, ct);
    }

    /// <summary>The issues stored with a snapshot, else detected now for its last week.</summary>
    public async Task<IReadOnlyList<RecurringIssue>> IssuesForSnapshotAsync(long snapshotId, RankingPeriod period, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var stored = await db.RecurringSnapshots.Where(r => r.RankingSnapshotId == snapshotId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        return stored is not null ? JsonSerializer.Deserialize<List<RecurringIssue>>(stored.Json, Json)! : await DetectAsync(CircularModels.WeekOf(period), ct);
    }
}
