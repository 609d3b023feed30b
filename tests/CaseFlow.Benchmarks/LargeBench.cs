using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Access;
using CaseFlow.Core.Cases;
using CaseFlow.Server.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using DomainCaseService = CaseFlow.Core.Cases.CaseService;

namespace CaseFlow.Benchmarks;

/// <summary>
/// Issue 11's large run (<c>--scenario large --large</c>, or <c>--cases N</c>): N open cases, each with its escalation
/// workflow and its timers, in one SQLite file, registered through the server's own CaseService (no gRPC, so the
/// load is the storage's, not the transport's). A tenth are registered three days before the rest; then the
/// server is restarted on the file (start-up time), the clock moves past the first tenth's L1 limit, and the sweep
/// of their breaches is timed. Reported: load rate, file size, the server's RSS (now and peak), start-up time,
/// sweep rate, and a check that every due case escalated exactly once.
/// </summary>
internal static class LargeBench
{
    public const int DefaultCount = 1_000_000;
    private static readonly DateTimeOffset First = EscalationSweep.Registered;
    private static readonly DateTimeOffset Rest = First.AddDays(3);

    private static readonly (string Category, string District)[] Routes =
    [
        ("power-supply", "dehradun"), ("water-supply", "haridwar"), ("road-condition", "nainital"),
        ("ration-card", "almora"), ("sanitation", "udham-singh-nagar"), ("hospital-services", "tehri-garhwal"),
    ];

    public static async Task RunAsync(string sync, int count, Action<Measurement> report)
    {
        var due = count / 10;
        var clock = new FakeTimeProvider(First);
        Console.WriteLine($"large: {count:N0} cases ({due:N0} due in the sweep), SQLite synchronous={sync}, load {MachineFacts.LoadAverage()}");
        var server = await EscalationServer.StartAsync(sync, clock);
        var dataDirectory = server.DataDirectory;
        var load = Stopwatch.StartNew();
        await RegisterAsync(server, 0, due, clock);
        clock.SetUtcNow(Rest);
        await RegisterAsync(server, due, count - due, clock);
        load.Stop();
        var rssLoaded = Environment.WorkingSet / 1_048_576;
        var peakLoaded = PeakRssMb();
        server.KeepData = true;
        await server.DisposeAsync();
        GC.Collect();
        var fileMb = new FileInfo(Path.Combine(dataDirectory, "caseflow.db")).Length / 1_048_576
                     + (File.Exists(Path.Combine(dataDirectory, "caseflow.db-wal")) ? new FileInfo(Path.Combine(dataDirectory, "caseflow.db-wal")).Length / 1_048_576 : 0);
        report(new Measurement("large-load", sync, count, 64, count / load.Elapsed.TotalSeconds, double.NaN, double.NaN, double.NaN, load.Elapsed.TotalSeconds, 0,
            $"{count:N0} cases registered in process (CaseService.CreateAsync, 64 in flight), each with its workflow armed in the same commit, in {load.Elapsed.TotalSeconds:F0} s; " +
            $"file {fileMb:N0} MB; process RSS {rssLoaded:N0} MB after loading (peak {peakLoaded:N0} MB)"));

        var startWatch = Stopwatch.StartNew();
        var restarted = await EscalationServer.StartAsync(sync, clock, dataDirectory);
        startWatch.Stop();
        var rssStarted = Environment.WorkingSet / 1_048_576;
        report(new Measurement("large-start", sync, count, 1, 1 / startWatch.Elapsed.TotalSeconds, double.NaN, double.NaN, startWatch.Elapsed.TotalMilliseconds, startWatch.Elapsed.TotalSeconds, 0,
            $"server start on the {fileMb:N0} MB file (migrations checked, directory and definitions loaded, listening) in {startWatch.Elapsed.TotalSeconds:F1} s; RSS {rssStarted:N0} MB"));

        await using (restarted)
        {
            restarted.KeepData = false;
            await using var db = new SqliteConnection($"Data Source={restarted.DatabaseFile};Mode=ReadOnly;Pooling=False");
            await db.OpenAsync();
            var mark = Scalar(db, "SELECT COALESCE(MAX(Id), 0) FROM CaseEvents");
            // Past the first tenth's warning and limit (7 working days from Friday 6 November: 18 November), not the rest's.
            var watch = Stopwatch.StartNew();
            _ = Task.Run(() => clock.SetUtcNow(new DateTimeOffset(2026, 11, 18, 4, 31, 0, TimeSpan.Zero)));
            long done;
            while ((done = Scalar(db, $"SELECT COUNT(*) FROM CaseEvents WHERE Id > {mark} AND Type = 'Escalated'")) < due && watch.Elapsed < TimeSpan.FromMinutes(30))
                await Task.Delay(200);
            var elapsed = watch.Elapsed.TotalSeconds;
            var once = Scalar(db, $"SELECT COUNT(*) FROM (SELECT CaseNumber FROM CaseEvents WHERE Id > {mark} AND Type = 'Escalated' GROUP BY CaseNumber HAVING COUNT(*) = 1)");
            var atL2 = Scalar(db, "SELECT COUNT(*) FROM Cases WHERE Level = 2");
            var ok = done == due && once == due && atL2 == due;
            report(new Measurement("large-sweep", sync, due, 1, done / elapsed, double.NaN, double.NaN, elapsed * 1000, elapsed, ok ? 0 : (int)Math.Abs(due - done),
                $"{done:N0} L1 breaches escalated (warnings fired in the same jump) among {count:N0} open cases in {elapsed:F1} s; " +
                $"{(ok ? "verified" : "VERIFY FAILED")}: {once:N0} escalated exactly once, {atL2:N0} at L2; RSS {Environment.WorkingSet / 1_048_576:N0} MB, peak {PeakRssMb():N0} MB; " +
                $"load {MachineFacts.LoadAverage()}"));
        }
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }

    private static async Task RegisterAsync(EscalationServer server, int from, int n, FakeTimeProvider clock)
    {
        var service = server.Services.GetRequiredService<DomainCaseService>();
        var caller = server.Services.GetRequiredService<ApiKeyAuthenticator>().Authenticate(ServerUnderTest.PortalKey, System.Net.IPAddress.Loopback);
        var actor = new Actor(caller, null);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Scenarios.Description)));
        var next = from - 1;
        var end = from + n;
        var progress = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < end)
            {
                var (category, district) = Routes[i % Routes.Length];
                var id = $"large-{i}";
                // One phone per 5 cases: under the daily cap, and counted per phone like real traffic.
                var phone = $"7{i / 5 % 1_000_000_000:D9}";
                var request = new NewCase(id, new NewComplainant("Sunita Rawat", phone, null, null, district, "hi"),
                    Channel.Portal, category, null, Scenarios.Description, [], null);
                await service.CreateAsync(actor, request, new RequestKey(caller.System, id, "CreateCase", fingerprint), CancellationToken.None);
                // The rate counts this phase's own cases (a phase may start past case 1).
                if (i % 100_000 == 0 && i > from)
                    Console.WriteLine($"  {i:N0} registered, {(i - from + 1) / progress.Elapsed.TotalSeconds:N0}/s this phase");
            }
        }));
    }

    private static long PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return -1;
    }

    private static long Scalar(SqliteConnection db, string sql)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                return Convert.ToInt64(cmd.ExecuteScalar());
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 5 && attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }
}
