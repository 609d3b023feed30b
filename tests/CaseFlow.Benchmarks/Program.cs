// CaseFlow benchmark harness: the real server in this process (Kestrel on loopback, HTTP/2, a fresh SQLite
// file) driven through a real GrpcChannel, with the transport's and the storage's limits measured in the
// same run so the CreateCase number can be read against them.
//
//   dotnet run -c Release --project tests/CaseFlow.Benchmarks                 # everything, ~1-2 minutes
//   dotnet run -c Release --project tests/CaseFlow.Benchmarks -- --large      # 10x the counts
//   dotnet run -c Release --project tests/CaseFlow.Benchmarks -- --scenario create-case --sync normal --count 50000
//
// Options:
//   --scenario LIST    all (default) or a comma list of: unary-empty, create-case, create-in-process,
//                      sqlite-row, sqlite-batch; and, not in "all", create-case-bare (create-case with the
//                      workflow hook off: the price of a case's own rows and the transport, the floor under
//                      create-case), writer-variants (the CaseWriter's path alone, as shipped vs. two cheaper
//                      ways to write the same rows; see WriterVariants.cs)
//                      escalation-sweep and workflowcore-peer (issue 3; see EscalationBench.cs) run once, at the
//                      first --sync mode, after the others
//                      ranking (issue 5; see RankingBench.cs): ranking + recurring detection over 1,000,000 (--cases N)
//                      cases generated into a fresh SQLite file; not in "all" (generating the cases takes minutes)
//                      large (issue 11): N open cases with their workflows and timers in one file (100,000; --large
//                      1,000,000; --cases N), server restart time, RSS, and a sweep of the tenth that falls due
//   --count N          timed operations per scenario (default 20000; --large: 200000)
//   --cases N          cases in the escalation scenarios (default 1000; --large: 100000)
//   --concurrency N    concurrent gRPC callers (default 32); unary-empty also runs at 1
//   --sync LIST        SQLite synchronous modes to run: full,normal (default both)
//   --max-batch N      the server's CaseFlow:Database:MaxWriteBatch (default: the server's own, 256)
//   --warmup N         untimed calls before each timed run (default count/10, at most 2000)
//   --out PATH         JSON results (default benchmark-results/results.json, git-ignored)
//   --profile          also break the CaseWriter's time down (EF Core diagnostic events: queries,
//                      SaveChanges, COMMIT) during create-case
//   --random-keys      create-case and create-in-process send random request ids and phone numbers, as real
//                      callers do, instead of sequential ones (each then costs an index leaf of its own)
// Numbers from a Debug build are not worth quoting; the harness says so when it is one.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaseFlow.Benchmarks;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions o;
try { o = BenchOptions.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

Scenarios.RandomKeys = o.RandomKeys;
var facts = MachineFacts.Collect();
foreach (var (k, v) in facts) Console.WriteLine($"{k,-14} {v}");
Console.WriteLine($"{"run",-14} count={o.Count} concurrency={o.Concurrency} warmup={o.Warmup} sync={string.Join(",", o.Sync)}" +
                  (o.MaxBatch is { } mb ? $" max-batch={mb}" : "") + (o.RandomKeys ? " random-keys" : ""));
Console.WriteLine();

var results = new List<Measurement>();
using var profile = o.Profile ? new WriterProfile() : null;
void Report(Measurement m)
{
    results.Add(m);
    Console.WriteLine($"  {m.Scenario,-20} {m.Synchronous,-6} c={m.Concurrency,-3} {m.OpsPerSecond,10:N0} ops/s  p50 {m.P50Ms,7:F2} ms  p99 {m.P99Ms,7:F2} ms" +
                      (m.Errors > 0 ? $"  ERRORS {m.Errors}" : ""));
    if (m.WriterProfile is not null) Console.WriteLine(m.WriterProfile);
}

foreach (var sync in o.Sync)
{
    if (o.Runs("unary-empty") || o.Runs("create-case") || o.Runs("create-in-process") || o.Runs("create-case-bare") || o.Runs("writer-variants"))
    {
        Console.WriteLine($"server, synchronous={sync}");
        await using var server = await ServerUnderTest.StartAsync(BenchStore.Sqlite(sync), o.MaxBatch);
        var unaryAt = results.Count;
        if (o.Runs("unary-empty"))
        {
            Report(await Scenarios.EmptyUnaryAsync(server, sync, o.Count, o.Concurrency, o.Warmup));
            if (o.Concurrency != 1) Report(await Scenarios.EmptyUnaryAsync(server, sync, o.Count, 1, o.Warmup));
        }
        if (o.Runs("create-case")) Report(await Scenarios.CreateCaseAsync(server, sync, o.Count, o.Concurrency, o.Warmup, profile));
        if (o.Runs("create-in-process")) Report(await Scenarios.CreateInProcessAsync(server, sync, o.Count, o.Concurrency, o.Warmup));
        if (o.Runs("writer-variants"))
            foreach (var m in await WriterVariants.RunAsync(server, sync, o.Count, o.Concurrency)) Report(m);
        if (o.Runs("create-case-bare")) Report(await Scenarios.CreateCaseBareAsync(server, sync, o.Count, o.Concurrency, o.Warmup));
        if (o.Runs("unary-empty") && (o.Runs("create-case") || o.Runs("create-in-process") || o.Runs("create-case-bare")))
        {
            // The limit is measured again after the CreateCase runs and the better run is kept: on a shared
            // machine one unlucky baseline would otherwise flatter (or sink) every ratio.
            var again = await Scenarios.EmptyUnaryAsync(server, sync, o.Count, o.Concurrency, o.Warmup);
            var first = results[unaryAt];
            Console.WriteLine($"  unary-empty again    {sync,-6} c={again.Concurrency,-3} {again.OpsPerSecond,10:N0} ops/s");
            results[unaryAt] = (again.OpsPerSecond > first.OpsPerSecond ? again : first) with
            {
                Note = $"grpc.health.v1.Health/Check; best of two runs bracketing create-case: {first.OpsPerSecond:N0} and {again.OpsPerSecond:N0} ops/s",
            };
        }
    }
    if (o.Runs("sqlite-row") || o.Runs("sqlite-batch")) Console.WriteLine($"raw SQLite, synchronous={sync}");
    if (o.Runs("sqlite-row")) Report(await Scenarios.RawSqliteAsync(sync, o.Count, 1, o.Warmup));
    if (o.Runs("sqlite-batch")) Report(await Scenarios.RawSqliteAsync(sync, o.Count, 100, o.Warmup));
}

// Issue 12: the same CreateCase on PostgreSQL, with one replica and with two sharing the database, in this run.
if (o.Runs("create-case") && o.Postgres is { } pgServer)
{
    foreach (var replicas in new[] { 1, 2 })
    {
        var store = BenchStore.Postgres(pgServer, replicas);
        Console.WriteLine($"server ×{replicas}, PostgreSQL");
        var servers = new List<ServerUnderTest>();
        try
        {
            for (var r = 0; r < replicas; r++) servers.Add(await ServerUnderTest.StartAsync(store, o.MaxBatch));
            Report(await Scenarios.CreateCaseAsync(servers, store.Label, o.Count, o.Concurrency, o.Warmup, null));
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
            await store.DropAsync();
        }
    }
}
else if (o.Runs("create-case")) Console.WriteLine("PostgreSQL rows skipped: no --postgres and no CASEFLOW_TEST_POSTGRES");

// Everything is read against the transport's limit at the headline concurrency; the server's own
// synchronous mode is preferred, since that is the exact process the CreateCase row ran in.
foreach (var m in results)
{
    var baseline = results.FirstOrDefault(b => b.Scenario == "unary-empty" && b.Concurrency == o.Concurrency && b.Synchronous == m.Synchronous)
                   ?? results.FirstOrDefault(b => b.Scenario == "unary-empty" && b.Concurrency == o.Concurrency);
    if (baseline is not null) m.RatioToEmptyUnary = m.OpsPerSecond / baseline.OpsPerSecond;
}

// Issue 3's escalation sweep and its WorkflowCore peer: after the ratio pass, as "× unary" means nothing for them.
if (o.Runs("escalation-sweep") || o.Runs("workflowcore-peer")) await EscalationBench.RunAsync(o, Report);

if (o.Runs("ranking")) await RankingBench.RunAsync(o.Cases ?? 1_000_000, Report);

// Issue 11's scale run: not in "all"; 100,000 cases by default, 1,000,000 with --large.
if (o.Runs("large")) await LargeBench.RunAsync(o.Sync[0], o.Cases ?? (o.Large ? LargeBench.DefaultCount : LargeBench.DefaultCount / 10), Report);

Console.WriteLine();
Console.WriteLine($"| {"scenario",-20} | {"sync",-6} | {"count",8} | {"conc",4} | {"ops/s",9} | {"p50 ms",7} | {"p99 ms",7} | {"max ms",7} | {"× unary",7} |");
Console.WriteLine($"|{new string('-', 22)}|{new string('-', 8)}|{new string('-', 10)}|{new string('-', 6)}|{new string('-', 11)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|");
foreach (var m in results)
    Console.WriteLine($"| {m.Scenario,-20} | {m.Synchronous,-6} | {m.Count,8} | {m.Concurrency,4} | {m.OpsPerSecond,9:N0} | {m.P50Ms,7:F2} | {m.P99Ms,7:F2} | {m.MaxMs,7:F1} | " +
                      $"{(m.RatioToEmptyUnary is { } r ? r.ToString("P1") : "-"),7} |");
Console.WriteLine();
foreach (var m in results.Where(m => m.Note is not null))
    Console.WriteLine($"  {m.Scenario} ({m.Synchronous}, c={m.Concurrency}): {m.Note}");

var outPath = Path.GetFullPath(o.Out);
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(new { machine = facts, options = o, results }, new JsonSerializerOptions
{
    WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    // Rows without latencies (an arming rate) carry NaN; written as "NaN" rather than failing the run.
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
}));
Console.WriteLine($"load average at the end: {MachineFacts.LoadAverage()} (other processes on these cores skew every row)");
Console.WriteLine($"results written to {outPath}");

// A run with failed calls or lost cases must not look like a result.
var failed = results.Any(m => m.Errors > 0 || (m.Note?.Contains("VERIFY FAILED", StringComparison.Ordinal) ?? false));
return failed ? 1 : 0;
