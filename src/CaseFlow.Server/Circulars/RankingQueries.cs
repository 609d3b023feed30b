using System.Collections.Frozen;
using System.Data.Common;
using System.Runtime.CompilerServices;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// The ranking's and recurring detection's reads. The ranking needs each case that can count in the period as it stood at
/// the period's end, and adds up <see cref="RankingCounts.Of"/> (the one counting rule, in Core). Only cases pending
/// now, changed since the period began, or with a special close under review are read: a case closed and untouched since
/// before the period cannot count in it. Of those, a case that carries its history's fold (<see cref="Case.Replay"/>)
/// with no event at or after the period's end is taken as its fold says; the rest (changed since the period ended,
/// or registered before the fold was kept) are replayed from their events to the period's end (<see cref="CaseHistory.AsOf"/>).
/// Both are the same fold of the same events, so a past period recomputed later gives the same answer, and a ranking
/// run the Monday after its week reads one row per open case instead of every event of every case. Times are UTC ticks,
/// as both contexts store them; the SQL reads the same on SQLite and PostgreSQL.
/// </summary>
public sealed class RankingQueries(CaseFlowDatabase database)
{
    private const string Columns = """ "Number", "District", "Category", "CreatedAt", "SpecialCloseReview", "Replay" """;

    // The cases that can count are read from the two partial indexes of CaseIndexes, so a ranking reads the open cases and
    // the period's activity, not the closed history. {0} names the index on SQLite, whose planner would otherwise walk the
    // table's own key range (and fails the statement if the index cannot serve it, rather than silently scanning).
    // Open cases, and closed ones whose special close awaits review, a range of keys at a time:
    private static readonly string OpenCasesSql = $$"""
        SELECT {{Columns}} FROM "Cases"{0}
        WHERE ({{CaseIndexes.OpenFilter}}) AND "Id" >= @first AND "Id" < @stop AND "Habitual" = FALSE AND "CreatedAt" < @to
        ORDER BY "Id"
        """;

    // Closed cases changed since the period began (closed in it, or touched after it): the rest of what can count.
    private static readonly string ChangedClosedSql = $$"""
        SELECT {{Columns}} FROM "Cases"{0}
        WHERE {{CaseIndexes.ClosedFilter}} AND "UpdatedAt" >= @from AND "SpecialCloseReview" <> '{{SpecialCloseReview.Pending}}'
          AND "Habitual" = FALSE AND "CreatedAt" < @to
        """;

    private static readonly string OpenCasesSqlite = Positional(string.Format(OpenCasesSql, $" INDEXED BY \"{CaseIndexes.Open}\""));
    private static readonly string ChangedClosedSqlite = Positional(string.Format(ChangedClosedSql, $" INDEXED BY \"{CaseIndexes.ClosedByUpdate}\""));
    private static readonly string OpenCasesNamed = string.Format(OpenCasesSql, "");
    private static readonly string ChangedClosedNamed = string.Format(ChangedClosedSql, "");

    /// <summary>
    /// A part's statement: on SQLite each names its index and takes its parameters by position (?1 first key, ?2 stop,
    /// ?3 from, ?4 to); elsewhere they are named (@first, @stop, @from, @to) and the planner picks the index.
    /// </summary>
    internal static string Statement(bool changedClosed, bool sqlite) => (changedClosed, sqlite) switch
    {
        (true, true) => ChangedClosedSqlite,
        (false, true) => OpenCasesSqlite,
        (true, false) => ChangedClosedNamed,
        (false, false) => OpenCasesNamed,
    };

    private static string Positional(string sql) => sql.Replace("@first", "?1").Replace("@stop", "?2").Replace("@from", "?3").Replace("@to", "?4");

    // Events that never change the fold (CaseReplay.Counts) are left out here only to read less.
    private static readonly string EventsSql = $$"""
        SELECT "CaseNumber", "Type", "At", "Department", "Status", "Level", "LastActionAt"
        FROM "CaseEvents"
        WHERE "CaseNumber" IN ({0}) AND "At" < @to AND "Type" NOT IN ({{string.Join(",", Enum.GetValues<CaseEventType>().Where(t => !CaseReplay.Counts(t)).Select(t => $"'{t}'"))}})
        ORDER BY "CaseNumber", "Id"
        """;

    /// <summary>Cases replayed from their events per query: enough to amortise a round trip, few enough for any parameter limit.</summary>
    private const int ReplayChunk = 500;

    /// <summary>Below this many keys a range is not split further: a statement (tens of microseconds) would cost more than its rows.</summary>
    private const long MinimumRange = 64;

    /// <summary>Key ranges per worker: small enough that a worker slowed by other work (the JIT, a collection) leaves little for the rest to wait on.</summary>
    private const int RangesPerWorker = 8;

    /// <summary>A share of the reading: the closed cases changed since the period began, or a range of the open cases' keys.</summary>
    private readonly record struct Part(bool ChangedClosed, long First, long Stop);

    /// <summary>
    /// The counts per department × district. The open cases' keys are read in ranges by as many workers as there are cores,
    /// each on its own connection and thread taking the next share until none is left (the changed closed cases first, as
    /// the one share read by random look-ups), its cells added up at the end: each case lies in one share, and a past
    /// period's answer does not depend on when its rows are read, so the shares need no common snapshot.
    /// </summary>
    public async Task<List<(string Department, string District, RankingCounts Counts)>> CountsAsync(RankingPeriod period, int pendingDays, int notAttendedDays, CancellationToken ct)
    {
        var (first, last) = await OpenKeyRangeAsync(ct);
        var workers = (int)Math.Clamp((last - first + 1) / MinimumRange, 1, Math.Min(Environment.ProcessorCount, 8));
        var ranges = (int)Math.Clamp((last - first + 1) / MinimumRange, 1, workers * RangesPerWorker);
        var next = -1;
        Part? Next()
        {
            var i = Interlocked.Increment(ref next);
            if (i == 0) return new Part(true, 0, 0);
            i--;
            return i < ranges ? new Part(false, first + (last - first + 1) * i / ranges, first + (last - first + 1) * (i + 1) / ranges) : null;
        }
        // Threads of their own: a scan is seconds of synchronous work that must not hold the request pool's threads.
        var counted = await Task.WhenAll(Enumerable.Range(0, workers).Select(_ =>
            Task.Factory.StartNew(() => CountPartsAsync(period, pendingDays, notAttendedDays, Next, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()));
        var cells = counted[0];
        foreach (var more in counted.Skip(1))
            foreach (var (key, add) in more)
                cells[key] = cells.TryGetValue(key, out var sum) ? sum + add : add;
        return cells.Select(kv => (kv.Key.Department, kv.Key.District, kv.Value)).ToList();
    }

    // Plain SQL: compiling the LINQ form cost a weekly (so always cold) run a fifth of a second. Each bound is read from the
    // open cases' index, where it is one end of the tree.
    private async Task<(long First, long Last)> OpenKeyRangeAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT (SELECT MIN("Id") FROM "Cases" WHERE {CaseIndexes.OpenFilter}), (SELECT MAX("Id") FROM "Cases" WHERE {CaseIndexes.OpenFilter})
            """;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.IsDBNull(0) ? 1 : Convert.ToInt64(r.GetValue(0)), r.IsDBNull(1) ? 0 : Convert.ToInt64(r.GetValue(1)));
    }

    private async Task<Dictionary<(string Department, string District), RankingCounts>> CountPartsAsync(RankingPeriod period, int pendingDays, int notAttendedDays,
        Func<Part?> nextPart, CancellationToken ct)
    {
        var cells = new Dictionary<(string, string), RankingCounts>();
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Count(in CaseFact fact)
        {
            var add = RankingCounts.Of(fact, period, pendingDays, notAttendedDays);
            if (add == RankingCounts.Zero) return;
            // One hash of the key per case, not two (a look-up and then a store).
            ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(cells, (fact.Department, fact.District), out _);
            sum += add;
        }
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var end = period.To;
        var replay = new List<CaseRecord>();
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Take(CaseRecord record, CaseReplay? fold)
        {
            if (fold is null || fold.LastAt >= end) replay.Add(record);
            else if (fold.LastAt is not null) Count(fold.Fact(record));
        }
        while (nextPart() is { } part)
            if (connection is SqliteConnection sqlite) ScanSqlite(sqlite, period, part, Take, ct);
            else await ScanAsync(connection, period, part, Take, ct);
        for (var i = 0; i < replay.Count; i += ReplayChunk)
        {
            var chunk = replay.GetRange(i, Math.Min(ReplayChunk, replay.Count - i));
            var events = await EventsAsync(connection, chunk, end, ct);
            foreach (var record in chunk)
                if (events.TryGetValue(record.Number, out var history)) Count(CaseHistory.AsOf(record, history, end));
        }
        return cells;
    }

    /// <summary>
    /// The cases that can count, read with SQLite's own API: a ranking reads one row per open case, and Microsoft.Data.Sqlite's
    /// per-column reads (a string or array for every value) cost three times the scan itself. Names repeat (a few dozen
    /// districts, categories and departments), so they are read from the row's bytes into one string each.
    /// </summary>
    // Run once a week, so always cold: compiled optimised at once rather than first as tier-0 code with the scan inside it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanSqlite(SqliteConnection connection, RankingPeriod period, Part part, Action<CaseRecord, CaseReplay?> take, CancellationToken ct)
    {
        var names = new Utf8Names();
        Func<ReadOnlySpan<byte>, string> name = names.Get;
        using var statement = new RawSqliteStatement(connection, Statement(part.ChangedClosed, sqlite: true));
        statement.Start([part.First, part.Stop, period.From.UtcTicks, period.To.UtcTicks]);
        var end = period.To;
        for (var n = 0; statement.Next(); n++)
        {
            if ((n & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            var row = statement.Row;
            var fold = row.IsNull(5) ? null : CaseReplay.Decode(row.Bytes(5), name);
            // The number is read only for a case that is replayed from its events (by number): counting a fold needs none.
            var number = fold is null || fold.LastAt >= end ? row.Text(0) : "";
            var record = new CaseRecord(number, names.Get(row.Bytes(1)), names.Get(row.Bytes(2)), new DateTimeOffset(row.Int64(3), TimeSpan.Zero), false,
                Sampled(names.Get(row.Bytes(4))));
            take(record, fold);
        }
    }

    private static async Task ScanAsync(DbConnection connection, RankingPeriod period, Part part, Action<CaseRecord, CaseReplay?> take, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Statement(part.ChangedClosed, sqlite: false);
        if (part.ChangedClosed) Add(cmd, "@from", period.From.UtcTicks);
        else
        {
            Add(cmd, "@first", part.First);
            Add(cmd, "@stop", part.Stop);
        }
        Add(cmd, "@to", period.To.UtcTicks);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            take(new CaseRecord(r.GetString(0), r.GetString(1), r.GetString(2), Ticks(r, 3)!.Value, false, Sampled(r.GetString(4))),
                r.IsDBNull(5) ? null : CaseReplay.Decode(r.GetFieldValue<byte[]>(5)));
    }

    /// <summary>Its special close, if any, was sampled for review.</summary>
    private static bool Sampled(string review) => SampledByName[review];

    // The rule is CaseRecord.IsSampled; the rows hold the state's name, looked up here without parsing it per row.
    private static readonly FrozenDictionary<string, bool> SampledByName =
        Enum.GetValues<SpecialCloseReview>().ToFrozenDictionary(v => v.ToString(), CaseRecord.IsSampled);

    private static async Task<Dictionary<string, List<CaseEvent>>> EventsAsync(DbConnection connection, List<CaseRecord> cases, DateTimeOffset end, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, EventsSql, string.Join(",", cases.Select((_, i) => $"@n{i}")));
        for (var i = 0; i < cases.Count; i++) Add(cmd, $"@n{i}", cases[i].Number);
        Add(cmd, "@to", end.UtcTicks);
        var events = new Dictionary<string, List<CaseEvent>>(cases.Count);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var number = r.GetString(0);
            if (!events.TryGetValue(number, out var history)) events[number] = history = [];
            history.Add(new CaseEvent
            {
                CaseNumber = number, Type = Enum.Parse<CaseEventType>(r.GetString(1)), At = Ticks(r, 2)!.Value, Department = r.GetString(3),
                Status = r.IsDBNull(4) ? null : Enum.Parse<CaseStatus>(r.GetString(4)),
                Level = r.IsDBNull(5) ? null : Convert.ToInt32(r.GetValue(5)),
                LastActionAt = Ticks(r, 6),
            });
        }
        return events;
    }

    private static DateTimeOffset? Ticks(DbDataReader r, int i) => r.IsDBNull(i) ? null : new DateTimeOffset(r.GetInt64(i), TimeSpan.Zero);

    /// <summary>
    /// What recurring detection reads: the counts over the baseline weeks and the week's texts. On SQLite each read is a
    /// synchronous scan whatever its signature, so each runs on a thread of its own (and its own connection) to overlap.
    /// </summary>
    public async Task<(List<WeeklyCount> Counts, List<ComplaintText> Texts)> RecurringInputsAsync(IsoWeek week, int baselineWeeks, CancellationToken ct)
    {
        var counts = Task.Run(() => WeeklyCountsAsync(week.Previous(baselineWeeks), week, ct), ct);
        var texts = Task.Run(() => ComplaintTextsAsync(week, ct), ct);
        return (await counts, await texts);
    }

    /// <summary>
    /// Counts per category × district × ISO week for the weeks [first, last], habitual complainants left out. Read from the
    /// index on (CreatedAt, Habitual, Category, District) alone, without a row lookup per case.
    /// </summary>
    private async Task<List<WeeklyCount>> WeeklyCountsAsync(IsoWeek first, IsoWeek last, CancellationToken ct)
    {
        var start = first.Monday;
        var end = last.Monday.AddDays(7);
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        if (connection is SqliteConnection sqlite) return WeeklyCountsSqlite(sqlite, start, end, ct);
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
    /// The same counts on SQLite, added up here from the index's entries: SQLite groups by sorting, and sorting the nine
    /// weeks' few hundred thousand entries took five times as long as reading them (0.42 s against 0.08 s at a million cases).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<WeeklyCount> WeeklyCountsSqlite(SqliteConnection connection, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var names = new Utf8Names();
        var week = TimeSpan.FromDays(7).Ticks;
        var counts = new Dictionary<(string Category, string District, long Week), int>();
        using var statement = new RawSqliteStatement(connection,
            """SELECT "Category", "District", "CreatedAt" FROM "Cases" WHERE "CreatedAt" >= ?1 AND "CreatedAt" < ?2 AND "Habitual" = FALSE""");
        statement.Start([start.UtcTicks, end.UtcTicks]);
        for (var n = 0; statement.Next(); n++)
        {
            if ((n & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            var row = statement.Row;
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts,
                (names.Get(row.Bytes(0)), names.Get(row.Bytes(1)), (row.Int64(2) - start.UtcTicks) / week), out _);
            count++;
        }
        return counts.OrderBy(c => c.Key.Category, StringComparer.Ordinal).ThenBy(c => c.Key.District, StringComparer.Ordinal).ThenBy(c => c.Key.Week)
            .Select(c => new WeeklyCount(c.Key.Category, c.Key.District, IsoWeek.Of(start.AddDays(7 * c.Key.Week)), c.Value)).ToList();
    }

    /// <summary>The week's complaints with their descriptions, for near-duplicate grouping (the text stays in the server).</summary>
    private async Task<List<ComplaintText>> ComplaintTextsAsync(IsoWeek week, CancellationToken ct)
    {
        var start = week.Monday;
        var end = start.AddDays(7);
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        // Plain SQL over the CreatedAt index, for the same reason as the key range.
        cmd.CommandText = """
            SELECT "Number", "District", "Category", "Department", "Description" FROM "Cases"
            WHERE "CreatedAt" >= @start AND "CreatedAt" < @end AND "Habitual" = FALSE
            """;
        Add(cmd, "@start", start.UtcTicks);
        Add(cmd, "@end", end.UtcTicks);
        var texts = new List<ComplaintText>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            texts.Add(new ComplaintText(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
        return texts;
    }

    /// <summary>
    /// A department's cases not yet disposed that missed a time limit, longest overdue first. Missing a limit escalates
    /// the case and starts the next level's clock, so "due time in the past" alone would list almost nothing; a case is
    /// overdue from the first limit it missed since it came to this department (its first LimitBreached after any
    /// transfer in, as the ranking counts it) or, if it never breached, from a due time already past. Resolved cases
    /// awaiting the complainant and cases awaiting a proposal's decision are not disposed, so they stay listed.
    /// Habitual complainants' cases are left out, as from the ranking.
    /// </summary>
    public async Task<List<OverdueCase>> OverdueAsync(string department, DateTimeOffset now, int max, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await Overdue(db, department, now)
            .OrderBy(x => x.Since).ThenBy(x => x.Case.Id).Take(max)
            .Select(x => new OverdueCase(x.Case.Number, x.Case.District, x.Case.Category, x.Case.Level, x.Since!.Value, x.Case.CreatedAt, x.Case.AssignedPostId))
            .ToListAsync(ct);
    }

    public async Task<long> CountOverdueAsync(string department, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await Overdue(db, department, now).LongCountAsync(ct);
    }

    private static IQueryable<OverdueRow> Overdue(CaseFlowDbContext db, string department, DateTimeOffset now)
    {
        var open = Core.Cases.CaseStatusExtensions.NotTerminal.ToArray();
        // A due time counts only while its clock runs: a resolved case or a pending proposal keeps a stale one.
        var workable = Core.Cases.CaseStatusExtensions.Workable.ToArray();
        return db.Cases
            .Where(c => c.Department == department && open.Contains(c.Status) && !c.Habitual)
            .Select(c => new OverdueRow
            {
                Case = c,
                Since = db.CaseEvents.Where(e => e.CaseNumber == c.Number && e.Type == CaseEventType.LimitBreached
                            && !db.CaseEvents.Any(t => t.CaseNumber == c.Number && t.Type == CaseEventType.TransferApproved && t.Id > e.Id))
                            .Min(e => (DateTimeOffset?)e.At)
                        ?? (workable.Contains(c.Status) && c.DueAt < now ? c.DueAt : null),
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
/// <param name="PostId">The post that holds the case now.</param>
public sealed record OverdueCase(string Number, string District, string Category, int Level, DateTimeOffset MissedLimitAt, DateTimeOffset CreatedAt, string PostId);
