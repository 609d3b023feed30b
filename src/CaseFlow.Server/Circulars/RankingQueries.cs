using System.Data.Common;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// The ranking's and recurring detection's reads, aggregated inside the database so that a million cases come
/// back as a few hundred rows and no case entity is ever loaded. The CASE expressions mirror
/// <see cref="RankingCounts.Of"/> one for one (RankingQueryTests compares both on the same cases).
/// Times are UTC ticks, as both contexts store them; the SQL is written to read the same on SQLite and PostgreSQL
/// (quoted identifiers, TRUE/FALSE for booleans, aliased subqueries).
/// </summary>
public sealed class RankingQueries(CaseFlowDatabase database)
{
    private const string Terminal = "('Closed','SpecialClosed','ForceClosed')";

    private const string CountsSql = $"""
        SELECT "Department", "District",
          SUM(CASE WHEN d = 1 OR o = 1 THEN 1 ELSE 0 END),
          SUM(d),
          SUM(CASE WHEN d = 1 AND "Status" = 'Closed' AND "Satisfied" = TRUE THEN 1 ELSE 0 END),
          SUM(CASE WHEN d = 1 AND "Status" = 'ForceClosed' THEN 1 ELSE 0 END),
          SUM(CASE WHEN d = 1 AND "Status" = 'SpecialClosed' THEN 1 ELSE 0 END),
          SUM(CASE WHEN d = 1 AND ("ReopenCount" > 0 OR "Status" = 'ForceClosed') THEN 1 ELSE 0 END),
          SUM(CASE WHEN d = 1 THEN (CASE WHEN EXISTS (SELECT 1 FROM "CaseEvents" e WHERE e."CaseNumber" = x."Number" AND e."Type" = 'LimitBreached') THEN 0 ELSE 1 END) ELSE 0 END),
          SUM(CASE WHEN d = 1 THEN (COALESCE("ResolvedAt", "ClosedAt") - "CreatedAt") / 864000000000.0 ELSE 0 END),
          SUM(o),
          SUM(CASE WHEN o = 1 AND "CreatedAt" < @pendingBefore THEN 1 ELSE 0 END),
          SUM(CASE WHEN o = 1 AND "LastActionAt" < @idleBefore THEN 1 ELSE 0 END),
          SUM(CASE WHEN (d = 1 OR o = 1) AND "ReopenCount" > 0 THEN 1 ELSE 0 END),
          SUM(CASE WHEN "Status" = 'SpecialClosed' AND "SpecialCloseReview" = 'Pending' THEN 1 ELSE 0 END)
        FROM (
          SELECT "Number", "Department", "District", "Status", "Satisfied", "ReopenCount", "SpecialCloseReview", "CreatedAt", "LastActionAt", "ResolvedAt", "ClosedAt",
            CASE WHEN ("Status" IN {Terminal} AND "ClosedAt" >= @from AND "ClosedAt" < @to)
                   OR ("Status" = 'Resolved' AND "FeedbackUnanswered" = TRUE AND "ResolvedAt" >= @from AND "ResolvedAt" < @to) THEN 1 ELSE 0 END AS d,
            CASE WHEN "Status" NOT IN {Terminal} AND "Status" <> 'Resolved' THEN 1 ELSE 0 END AS o
          FROM "Cases"
          WHERE "Habitual" = FALSE AND "CreatedAt" < @to
        ) x
        GROUP BY "Department", "District"
        """;

    public async Task<List<(string Department, string District, RankingCounts Counts)>> CountsAsync(RankingPeriod period, int pendingDays, int notAttendedDays, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = CountsSql;
        Add(cmd, "@from", period.From.UtcTicks);
        Add(cmd, "@to", period.To.UtcTicks);
        Add(cmd, "@pendingBefore", period.To.AddDays(-pendingDays).UtcTicks);
        Add(cmd, "@idleBefore", period.To.AddDays(-notAttendedDays).UtcTicks);
        var rows = new List<(string, string, RankingCounts)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            // Sums come back as bigint or numeric depending on the provider.
            long L(int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i));
            var counts = new RankingCounts
            {
                Active = L(2), Disposed = L(3), SatisfiedClosed = L(4), ForceClosed = L(5), SpecialClosed = L(6), PoorQuality = L(7),
                DisposedWithinLimit = L(8), DisposalDays = r.IsDBNull(9) ? 0 : Convert.ToDouble(r.GetValue(9)), Open = L(10), PendingBeyondDays = L(11),
                NotAttended = L(12), Reopened = L(13), SpecialCloseUnderReview = L(14),
            };
            // Groups whose cases were all closed before the period contribute nothing, as in the in-memory path.
            if (counts != RankingCounts.Zero) rows.Add((r.GetString(0), r.GetString(1), counts));
        }
        return rows;
    }

    /// <summary>Counts per category × district × ISO week for the weeks [first, last], habitual complainants left out.</summary>
    public async Task<List<WeeklyCount>> WeeklyCountsAsync(IsoWeek first, IsoWeek last, CancellationToken ct)
    {
        var start = first.Monday;
        var end = last.Monday.AddDays(7);
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        // Weeks are counted from the first Monday 00:00 IST in whole 7-day steps: ISO weeks without date functions.
        cmd.CommandText = """
            SELECT "Category", "District", ("CreatedAt" - @start) / @week AS w, COUNT(*)
            FROM "Cases"
            WHERE "CreatedAt" >= @start AND "CreatedAt" < @end AND "Habitual" = FALSE
            GROUP BY "Category", "District", w
            """;
        Add(cmd, "@start", start.UtcTicks);
        Add(cmd, "@end", end.UtcTicks);
        Add(cmd, "@week", TimeSpan.FromDays(7).Ticks);
        var counts = new List<WeeklyCount>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            counts.Add(new WeeklyCount(r.GetString(0), r.GetString(1), IsoWeek.Of(start.AddDays(7 * Convert.ToInt64(r.GetValue(2)))), Convert.ToInt32(r.GetValue(3))));
        return counts;
    }

    /// <summary>
    /// A few case numbers per category × district of one week, as examples in the circular (numbers only: no
    /// personal data leaves here), with the department most of them belong to. One windowed query for all
    /// cells: a query per flagged cell cost a scan of the week each.
    /// </summary>
    public async Task<Dictionary<(string Category, string District), (List<string> Numbers, string? Department)>> SamplesAsync(IsoWeek week, int count, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT "Category", "District", "Number", "Department" FROM (
              SELECT "Category", "District", "Number", "Department",
                ROW_NUMBER() OVER (PARTITION BY "Category", "District" ORDER BY "Number") AS n
              FROM "Cases"
              WHERE "CreatedAt" >= @start AND "CreatedAt" < @end AND "Habitual" = FALSE
            ) s WHERE n <= @count
            ORDER BY "Category", "District", "Number"
            """;
        Add(cmd, "@start", week.Monday.UtcTicks);
        Add(cmd, "@end", week.Monday.AddDays(7).UtcTicks);
        Add(cmd, "@count", count);
        var rows = new List<(string Category, string District, string Number, string Department)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return rows.GroupBy(x => (x.Category, x.District)).ToDictionary(g => g.Key,
            g => (g.Select(x => x.Number).ToList(), (string?)g.GroupBy(x => x.Department).OrderByDescending(d => d.Count()).First().Key));
    }

    /// <summary>A department's open cases past their due time, oldest due first, for its HoD circular.</summary>
    /// <summary>
    /// A department's open cases that missed a time limit, longest overdue first. Missing a limit escalates the
    /// case and starts the next level's clock, so "due time in the past" alone would list almost nothing; a case is
    /// overdue from the first limit it missed (its first LimitBreached event) or, if it never breached, from a due
    /// time already past. Cases with the clock stopped (a proposal pending) and habitual complainants' are left out.
    /// </summary>
    public async Task<List<OverdueCase>> OverdueAsync(string department, DateTimeOffset now, int max, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await Overdue(db, department, now)
            .OrderBy(x => x.Since).ThenBy(x => x.Case.Id).Take(max)
            .Select(x => new OverdueCase(x.Case.Number, x.Case.District, x.Case.Category, x.Case.Level, x.Since!.Value, x.Case.CreatedAt))
            .ToListAsync(ct);
    }

    public async Task<long> CountOverdueAsync(string department, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await Overdue(db, department, now).LongCountAsync(ct);
    }

    private static IQueryable<OverdueRow> Overdue(CaseFlowDbContext db, string department, DateTimeOffset now)
    {
        var workable = Core.Cases.CaseStatusExtensions.Workable.ToArray();
        return db.Cases
            .Where(c => c.Department == department && workable.Contains(c.Status) && !c.Habitual)
            .Select(c => new OverdueRow
            {
                Case = c,
                Since = db.CaseEvents.Where(e => e.CaseNumber == c.Number && e.Type == Core.Cases.CaseEventType.LimitBreached).Min(e => (DateTimeOffset?)e.At)
                        ?? (c.DueAt < now ? c.DueAt : null),
            })
            .Where(x => x.Since != null);
    }

    private sealed class OverdueRow
    {
        public required Core.Cases.Case Case { get; init; }
        public DateTimeOffset? Since { get; init; }
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}

/// <param name="MissedLimitAt">When the case first missed a time limit: the date the letter gives as "due on".</param>
public sealed record OverdueCase(string Number, string District, string Category, int Level, DateTimeOffset MissedLimitAt, DateTimeOffset CreatedAt);
