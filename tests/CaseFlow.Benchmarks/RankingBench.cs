using System.Diagnostics;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Circulars;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseFlow.Benchmarks;

/// <summary>
/// Issue 5: the weekly ranking plus recurring detection over N cases (default 1,000,000) generated straight
/// into a fresh SQLite file through the writer's prepared inserts. Times the SQL aggregation, the ranking
/// arithmetic and the recurring detection (weekly counts, detection, sample numbers), and the peak working
/// set and managed allocation during that phase only. Baseline in the same run: a bare COUNT(*) over the table,
/// the least any full pass over the cases can cost.
/// </summary>
internal static class RankingBench
{
    private static readonly (string Department, string Category)[] Categories =
    [
        ("energy", "power-supply"), ("energy", "electricity-billing"), ("drinking-water", "water-supply"), ("drinking-water", "water-quality"),
        ("revenue", "land-records"), ("public-works", "road-condition"), ("health", "hospital-services"), ("police", "fir-complaint"),
        ("urban-development", "sanitation"), ("food-civil-supplies", "ration-card"),
    ];
    private static readonly string[] Districts = ["dehradun", "haridwar", "tehri-garhwal", "pauri-garhwal", "uttarkashi", "chamoli", "rudraprayag", "nainital", "almora"];
    private static readonly CaseStatus[] Statuses =
        [CaseStatus.Registered, CaseStatus.InProgress, CaseStatus.InProgress, CaseStatus.Resolved, CaseStatus.Closed, CaseStatus.Closed, CaseStatus.Closed, CaseStatus.Reopened, CaseStatus.SpecialClosed, CaseStatus.ForceClosed];

    public static async Task RunAsync(int cases, Action<Measurement> report)
    {
        var dir = Directory.CreateTempSubdirectory("caseflow-ranking-bench-").FullName;
        try
        {
            var database = new CaseFlowDatabase(new CaseFlowOptions { DataDirectory = dir, Database = { Synchronous = SqliteSynchronous.Normal } }.ToPersistenceOptions());
            await database.MigrateAsync(CancellationToken.None);
            var now = new DateTimeOffset(2026, 11, 30, 3, 30, 0, TimeSpan.Zero);
            var generate = Stopwatch.StartNew();
            await GenerateAsync(database, cases, now);
            Console.WriteLine($"  ranking: generated {cases:N0} cases in {generate.Elapsed.TotalSeconds:F1} s");

            var period = RankingPeriod.WeekBefore(now);
            var scorecard = Scorecard.Load(Path.Combine(AppContext.BaseDirectory, "seed", "scorecard.json"));
            var queries = new RankingQueries(database);

            var baseline = Stopwatch.StartNew();
            await using (var db = database.CreateContext()) await db.Cases.LongCountAsync(c => c.Habitual == false);
            var baselineSeconds = baseline.Elapsed.TotalSeconds;

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var startSet = Environment.WorkingSet;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            long peak = startSet;
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Environment.WorkingSet);
                    try { await Task.Delay(5, stop.Token); } catch (OperationCanceledException) { }
                }
            });

            static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var cpu0 = Cpu();
            var watch = Stopwatch.StartNew();
            var calculator = new RankingCalculator(scorecard);
            var counts = await queries.CountsAsync(period, calculator.PendingDays, calculator.NotAttendedDays, CancellationToken.None);
            var ranking = calculator.Rank(counts, period, now);
            var rankSeconds = watch.Elapsed.TotalSeconds;
            var rankCpu = Cpu() - cpu0;
            var week = IsoWeek.Of(period.To.AddTicks(-1));
            // As RankingSnapshots.DetectAsync: the two reads side by side, then detection.
            var (weekly, complaints) = await queries.RecurringInputsAsync(week, scorecard.Recurring.BaselineWeeks, CancellationToken.None);
            var issues = new RecurringDetector(scorecard.Recurring).Detect(weekly, complaints, week, category => Categories.FirstOrDefault(c => c.Category == category).Department);
            var flagged = issues.Where(i => i.Reason != "similar").ToList();
            var similar = issues.Where(i => i.Reason == "similar").ToList();
            var totalSeconds = watch.Elapsed.TotalSeconds;
            var totalCpu = Cpu() - cpu0;

            await stop.CancelAsync();
            await sampler;
            peak = Math.Max(peak, Environment.WorkingSet);
            var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0;
            var note = $"{cases:N0} cases: ranking (SQL aggregation + scores) {rankSeconds:F2} s, + recurring {totalSeconds - rankSeconds:F2} s " +
                       $"({flagged.Count} systemic issues by count, {similar.Count} groups of near-identical complaints) = {totalSeconds:F2} s (process CPU {rankCpu:F2} s + {totalCpu - rankCpu:F2} s); bare COUNT(*) baseline {baselineSeconds:F2} s; " +
                       $"peak working set +{(peak - startSet) / 1048576.0:F0} MB (peak {peak / 1048576.0:F0} MB), managed allocation {allocatedMb:F1} MB; " +
                       $"{ranking.Departments.Count} departments, {ranking.DepartmentDistricts.Count} department × district rows";
            report(new Measurement("ranking-recurring", "normal", cases, 1, cases / totalSeconds, totalSeconds * 1000, totalSeconds * 1000, totalSeconds * 1000,
                totalSeconds, 0, note));

            // The same again in the same process: what a server that has run a ranking before pays (its code compiled, the
            // globalisation data loaded, the connections open), beside the first run above that pays all of that once.
            var againCpu0 = Cpu();
            var again = Stopwatch.StartNew();
            var counts2 = await queries.CountsAsync(period, calculator.PendingDays, calculator.NotAttendedDays, CancellationToken.None);
            calculator.Rank(counts2, period, now);
            var rankAgain = again.Elapsed.TotalSeconds;
            var (weekly2, complaints2) = await queries.RecurringInputsAsync(week, scorecard.Recurring.BaselineWeeks, CancellationToken.None);
            var issues2 = new RecurringDetector(scorecard.Recurring).Detect(weekly2, complaints2, week, category => Categories.FirstOrDefault(c => c.Category == category).Department);
            var againSeconds = again.Elapsed.TotalSeconds;
            var againCpu = Cpu() - againCpu0;
            report(new Measurement("ranking-recurring-again", "normal", cases, 1, cases / againSeconds, againSeconds * 1000, againSeconds * 1000, againSeconds * 1000,
                againSeconds, issues2.Count == issues.Count ? 0 : 1,
                $"the same in the same process, second time: ranking {rankAgain:F2} s + recurring {againSeconds - rankAgain:F2} s = {againSeconds:F2} s (process CPU {againCpu:F2} s; {issues2.Count} issues)"));

            // The same ranking with every case replayed from its events (as for cases registered before folds were kept):
            // what reading the carried folds saves, and a check that both ways count the same.
            await using (var db = database.CreateContext()) await db.Database.ExecuteSqlRawAsync("UPDATE \"Cases\" SET \"Replay\" = NULL");
            var replayWatch = Stopwatch.StartNew();
            var replayed = await queries.CountsAsync(period, calculator.PendingDays, calculator.NotAttendedDays, CancellationToken.None);
            var replaySeconds = replayWatch.Elapsed.TotalSeconds;
            var (a, b) = (Sum(replayed), Sum(counts));
            var same = a == b; // exact: disposal times add up in whole ticks
            report(new Measurement("ranking-replay", "normal", cases, 1, cases / replaySeconds, replaySeconds * 1000, replaySeconds * 1000, replaySeconds * 1000,
                replaySeconds, same ? 0 : 1, $"ranking with every case replayed from its events: {replaySeconds:F2} s vs {rankSeconds:F2} s from the carried folds; " +
                (same ? "same counts" : "COUNTS DIFFER")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Cases over the last 26 weeks in every state, through the same prepared inserts the writer uses, 10,000 per transaction.</summary>
    private static async Task GenerateAsync(CaseFlowDatabase database, int count, DateTimeOffset now)
    {
        var rng = new Random(5);
        // Registered in time order, as the server registers them: a case's key is handed out when it is registered, so
        // the keys follow the registration times and a week's cases lie together at one end of the table.
        var registered = Enumerable.Range(0, count).Select(_ => rng.Next(0, 26 * 7 * 1440)).OrderDescending().ToArray();
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        using var inserter = new CaseInserter(db);
        var c = new Case
        {
            ComplainantName = "x", ComplainantPhone = "+919000000000", ComplainantDistrict = "dehradun", Description = "", CreatedBy = "bench",
            AssignedPostId = "p", Channel = Channel.Portal,
        };
        for (var i = 0; i < count; i += 10_000)
        {
            await using var tx = await db.Database.GetDbConnection().BeginTransactionAsync();
            for (var j = i; j < Math.Min(count, i + 10_000); j++)
            {
                var (department, category) = Categories[rng.Next(Categories.Length)];
                var created = now.AddMinutes(-registered[j]);
                // A step that would fall after "now" happened at some moment between registration and now instead (not all
                // at now: a Monday morning's ranking finds the few cases touched since midnight, not every recent one).
                DateTimeOffset Between(DateTimeOffset from, DateTimeOffset t) => t < now ? t : from + (now - from) * rng.NextDouble();
                DateTimeOffset Before(DateTimeOffset t) => Between(created, t);
                var status = Statuses[rng.Next(Statuses.Length)];
                var closed = status.IsTerminal() ? Before(created.AddDays(rng.Next(0, 40))) : (DateTimeOffset?)null;
                c.Id = 0;
                c.Number = $"UK-2026-{j + 1:0000000}";
                c.Department = department;
                c.Category = category;
                // Complaints about one of 2,000 places, worded one of four ways: near-duplicates to find, as in a real week.
                c.Description = $"{Wordings[rng.Next(Wordings.Length)]} {Places[rng.Next(Places.Length)]}";
                c.District = Districts[rng.Next(Districts.Length)];
                c.Status = status;
                c.CreatedAt = created;
                c.LastActionAt = Before(created.AddDays(rng.Next(0, 15)));
                c.ResolvedAt = status is CaseStatus.Resolved or CaseStatus.Closed ? closed ?? Before(created.AddDays(rng.Next(0, 20))) : null;
                c.ClosedAt = closed;
                c.Satisfied = status == CaseStatus.Closed ? rng.Next(4) > 0 : null;
                c.FeedbackUnanswered = status == CaseStatus.Resolved && rng.Next(3) == 0;
                c.ReopenCount = rng.Next(8) == 0 ? 1 : 0;
                c.Habitual = rng.Next(50) == 0;
                c.SpecialCloseReview = status == CaseStatus.SpecialClosed ? SpecialCloseReview.Pending : SpecialCloseReview.None;
                c.DueAt = status.IsTerminal() ? null : created.AddDays(7);
                // A history consistent with the final state, as the ranking replays it: registered, perhaps a missed L1
                // limit (every fifth case), then the steps that led to the status.
                var history = new List<(CaseEventType Type, DateTimeOffset At, CaseStatus Status, int? Level)> { (CaseEventType.Registered, created, CaseStatus.Registered, 1) };
                var breach = created.AddDays(7);
                if (j % 5 == 0 && breach < now) history.Add((CaseEventType.LimitBreached, breach, CaseStatus.Registered, 2));
                var acted = c.LastActionAt;
                switch (status)
                {
                    case CaseStatus.InProgress: history.Add((CaseEventType.InterimReply, acted, CaseStatus.InProgress, null)); break;
                    case CaseStatus.Resolved:
                        history.Add((CaseEventType.Resolved, c.ResolvedAt!.Value, CaseStatus.Resolved, null));
                        if (c.FeedbackUnanswered) history.Add((CaseEventType.FeedbackUnanswered, Between(c.ResolvedAt.Value, c.ResolvedAt.Value.AddDays(3)), CaseStatus.Resolved, null));
                        break;
                    case CaseStatus.Closed:
                        var resolvedAt = Min(c.ResolvedAt!.Value, closed!.Value);
                        history.Add((CaseEventType.Resolved, resolvedAt, CaseStatus.Resolved, null));
                        history.Add((CaseEventType.FeedbackRecorded, closed.Value, CaseStatus.Resolved, null));
                        history.Add((CaseEventType.Closed, closed.Value, CaseStatus.Closed, null));
                        break;
                    case CaseStatus.Reopened:
                        history.Add((CaseEventType.Resolved, acted, CaseStatus.Resolved, null));
                        history.Add((CaseEventType.FeedbackRecorded, acted, CaseStatus.Resolved, null));
                        history.Add((CaseEventType.Reopened, acted, CaseStatus.Reopened, null));
                        break;
                    case CaseStatus.SpecialClosed:
                        history.Add((CaseEventType.SpecialCloseProposed, Min(acted, closed!.Value), CaseStatus.SpecialCloseProposed, null));
                        history.Add((CaseEventType.SpecialCloseApproved, closed.Value, CaseStatus.SpecialClosed, null));
                        break;
                    case CaseStatus.ForceClosed: history.Add((CaseEventType.ForceClosed, closed!.Value, CaseStatus.ForceClosed, null)); break;
                }
                history.Sort((a, b) => a.At.CompareTo(b.At));
                c.UpdatedAt = history[^1].At;
                var events = history.Select(h => new CaseEvent
                {
                    CaseNumber = c.Number, Department = department, ActorSystem = "bench", Type = h.Type, At = h.At, Status = h.Status, Level = h.Level,
                    LastActionAt = h.Type is CaseEventType.LimitBreached ? null : h.At,
                }).ToList();
                // The fold every case registered through the service carries, of the same events.
                c.Replay = CaseHistory.Fold(events, DateTimeOffset.MaxValue);
                await inserter.InsertAsync(c, events[0], null, tx);
                foreach (var later in events.Skip(1)) await inserter.InsertEventAsync(later, tx);
            }
            inserter.Written.Clear();
            await tx.CommitAsync();
        }
    }

    private static readonly string[] Wordings =
        ["ट्रांसफार्मर जल गया है बिजली नहीं है गांव", "transformer burnt no power in village", "सड़क टूटी है गड्ढे हैं", "road broken with potholes near"];
    private static readonly string[] Places = Enumerable.Range(1, 2000).Select(i => $"place{i}").ToArray();

    private static RankingCounts Sum(IEnumerable<(string Department, string District, RankingCounts Counts)> cells) =>
        cells.Aggregate(RankingCounts.Zero, (a, c) => a + c.Counts);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
