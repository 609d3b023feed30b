using System.Diagnostics;
using CaseFlow.Api.V1;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Security;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ApiChannel = CaseFlow.Api.V1.Channel;

namespace CaseFlow.Benchmarks;

/// <summary>
/// Issue 3's benchmark (a): the escalation sweep. The real server (same composition as `dotnet run`, as in
/// <see cref="ServerUnderTest"/>) with a fake business clock, as the escalation tests run it:
/// <list type="number">
/// <item>setup — N cases registered over gRPC (Friday 2026-11-06 10:00 IST); the dispatcher starts
///   case-escalation.json for each and its SlaTimer arms the L1 limit (7 working days → 2026-11-18 10:00 IST);
///   done when every case has its due time (polled straight from the SQLite file);</item>
/// <item>warnings — the clock moves past 75 % of the limit (2026-11-15 10:01 IST): N warning timers fire;</item>
/// <item>sweep — the clock moves past the L1 due time (2026-11-18 10:01 IST) and a stopwatch runs until all N
///   cases are at L2; that is the headline, escalations/s.</item>
/// </list>
/// The warnings get their own phase because in life they fire days before the breaches; the sweep then times
/// the breach → escalate → arm-L2 step alone. Afterwards every case must be at L2 with exactly one Escalated
/// and one WarningRaised event, and no workflow incident.
/// </summary>
internal static class EscalationSweep
{
    public static readonly DateTimeOffset Registered = new(2026, 11, 6, 4, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset L1Due = Ist(11, 18, 10, 0);
    private static readonly DateTimeOffset PastWarning = Ist(11, 15, 10, 1);
    private static readonly DateTimeOffset PastL1Due = Ist(11, 18, 10, 1);

    // Non-urgent categories (the urgent ones use hour limits) spread over departments and districts.
    private static readonly (string Category, string District)[] Routes =
    [
        ("power-supply", "dehradun"), ("water-supply", "haridwar"), ("road-condition", "nainital"),
        ("ration-card", "almora"), ("sanitation", "udham-singh-nagar"), ("hospital-services", "tehri-garhwal"),
    ];

    private static readonly bool Trace = Environment.GetEnvironmentVariable("CASEFLOW_BENCH_TRACE") == "1";

    private static DateTimeOffset Ist(int month, int day, int hour, int minute) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromMinutes(330)).ToUniversalTime();

    public sealed record Result(Measurement Setup, double ArmedPerSecond, Measurement Warnings, Measurement Sweep, bool Verified);

    public static Task<Result> RunAsync(string sync, int count, int concurrency) => RunAsync(BenchStore.Sqlite(sync), 1, count, concurrency);

    /// <summary>
    /// Registration on a throwaway server of the same kind, for at least two seconds, before the measured one starts:
    /// JIT tiering, EF Core's compiled queries and the thread pool's growth are paid once per process, not per case.
    /// WorkflowCore's peer gets the same (<see cref="WorkflowCorePeer"/> warms up on a throwaway host).
    /// </summary>
    public static async Task WarmUpAsync(BenchStore store, int count, int concurrency)
    {
        var server = await EscalationServer.StartAsync(store, new FakeTimeProvider(Registered));
        try
        {
            var client = new CaseService.CaseServiceClient(server.Channel);
            var run = Guid.NewGuid().ToString("N")[..8];
            await Load.WarmUpAsync(Math.Min(count, 1_000), concurrency, i =>
            {
                var request = NewCase(i);
                request.RequestId = $"warm-{run}-{i}";
                return client.CreateCaseAsync(request, ServerUnderTest.Options).ResponseAsync;
            });
        }
        finally
        {
            await server.DisposeAsync();
            await store.DropAsync();
        }
    }

    /// <summary>
    /// With <paramref name="replicas"/> servers on one PostgreSQL database (in this process, on one clock):
    /// registrations alternate between them and every replica's pump claims due timers from the same table.
    /// </summary>
    public static async Task<Result> RunAsync(BenchStore store, int replicas, int count, int concurrency)
    {
        if (replicas > 1 && !store.IsPostgres) throw new ArgumentException("Several replicas need a shared database server.");
        var sync = store.Label;
        var clock = new FakeTimeProvider(Registered);
        var servers = new List<EscalationServer>();
        try
        {
            for (var r = 0; r < replicas; r++) servers.Add(await EscalationServer.StartAsync(store, clock));
            await using var db = await store.OpenAsync(servers[0].DataDirectory);
            return await RunAsync(db, servers, clock, sync, count, concurrency);
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
            await store.DropAsync();
        }
    }

    private static async Task<Result> RunAsync(DbConnection db, List<EscalationServer> servers, FakeTimeProvider clock, string sync, int count, int concurrency)
    {
        // 1. Setup: registration (gRPC, concurrent) while the dispatcher starts a workflow per case.
        var load0 = MachineFacts.LoadAverage();
        var clients = servers.Select(s => new CaseService.CaseServiceClient(s.Channel)).ToArray();
        var run = Guid.NewGuid().ToString("N")[..8];
        var setupWatch = Stopwatch.StartNew();
        var register = await Load.RunAsync("esc-setup", sync, count, concurrency, i =>
        {
            var request = NewCase(i);
            request.RequestId = $"esc-{run}-{i}";
            return clients[i % clients.Length].CreateCaseAsync(request, ServerUnderTest.Options).ResponseAsync;
        });
        var registeredAfter = setupWatch.Elapsed;
        var armed = await WaitForAsync(db, "SELECT COUNT(*) FROM \"Cases\" WHERE \"DueAt\" IS NOT NULL", count, TimeSpan.FromMilliseconds(250),
            TimeSpan.FromMinutes(30), "cases with an L1 due time");
        var armedAfter = setupWatch.Elapsed;
        var dueOk = await ScalarAsync(db, $"SELECT COUNT(*) FROM \"Cases\" WHERE \"DueAt\" = {L1Due.UtcTicks}") == count;
        var setup = register with
        {
            Scenario = "esc-setup",
            Note = $"CreateCase over gRPC{(servers.Count > 1 ? $", alternating between {servers.Count} replicas" : "")}: {count:N0} cases in {registeredAfter.TotalSeconds:F1} s = {count / registeredAfter.TotalSeconds:N0} cases/s; " +
                   $"workflows started and L1 armed: {armed:N0} after {armedAfter.TotalSeconds:F1} s = {armed / armedAfter.TotalSeconds:N0} workflows/s " +
                   $"(each case's first workflow step commits with the case; counted from the first CreateCase){(dueOk ? "; every L1 due time = 2026-11-18 10:00 IST" : "; VERIFY FAILED: L1 due times differ")}; " +
                   $"load {load0} → {MachineFacts.LoadAverage()}",
        };
        if (register.Errors > 0 || armed != count)
            return new Result(setup, armed / armedAfter.TotalSeconds, Failed("esc-warnings", sync, count, "setup failed"), Failed("esc-sweep", sync, count, "setup failed"), false);

        // 2. Warnings: past 75 % of the limit.
        var warnings = await PhaseAsync(db, clock, PastWarning, "esc-warnings", sync, count, "WarningRaised",
            "warning timers fired (SlaTimer resume → RaiseWarning), clock moved to 2026-11-15 10:01 IST");

        // 3. The sweep: past the L1 due time, until all are at L2.
        var sweep = await PhaseAsync(db, clock, PastL1Due, "esc-sweep", sync, count, "Escalated",
            "L1 breached → Escalate → L2 SlaTimer armed; clock moved to 2026-11-18 10:01 IST");

        var verify = await VerifyAsync(db, count);
        return new Result(setup, armed / armedAfter.TotalSeconds, warnings, sweep with { Note = $"{sweep.Note}; {verify}" }, !verify.StartsWith("VERIFY FAILED", StringComparison.Ordinal));
    }

    /// <summary>
    /// Moves the clock, then counts the phase's case events (an index range past the events already there, so
    /// the poll costs little) until there are N. p50/p99/max are the times from the clock move until half,
    /// 99 % and all of the cases were done (at the poll's 50 ms resolution).
    /// </summary>
    private static async Task<Measurement> PhaseAsync(DbConnection db, FakeTimeProvider clock, DateTimeOffset to, string scenario, string sync,
        int count, string eventType, string what)
    {
        var mark = await ScalarAsync(db, "SELECT COALESCE(MAX(\"Id\"), 0) FROM \"CaseEvents\"");
        var load0 = MachineFacts.LoadAverage();
        var sql = $"SELECT COUNT(*) FROM \"CaseEvents\" WHERE \"Id\" > {mark} AND \"Type\" = '{eventType}'";
        var samples = new List<(double Seconds, long Done)>();
        var watch = Stopwatch.StartNew();
        // FakeTimeProvider runs due timer callbacks on the thread that moves it, and the pump's continuation runs
        // inline (SQLite's "async" calls complete synchronously): moved from here, the whole sweep would run inside
        // SetUtcNow and this loop would see nothing until it was over. A pool thread moves it, as a real timer would.
        var moved = Task.Run(() => clock.SetUtcNow(to));
        var deadline = TimeSpan.FromMinutes(30);
        long done;
        while (true)
        {
            done = await ScalarAsync(db, sql);
            samples.Add((watch.Elapsed.TotalSeconds, done));
            if (Trace && (samples.Count == 1 || samples[^2].Done != done)) Console.WriteLine($"    {scenario} {watch.Elapsed.TotalSeconds,7:F2} s  {done,7}");
            if (done >= count || watch.Elapsed > deadline) break;
            // Progress can stall when nothing new is due for the pump; it sleeps on the fake clock, so nudge it.
            await Task.Delay(50);
        }
        var elapsed = watch.Elapsed.TotalSeconds;
        await moved;
        double At(double share) => samples.First(s => s.Done >= Math.Ceiling(share * count)).Seconds * 1000;
        var errors = done == count ? 0 : (int)Math.Abs(count - done);
        return new Measurement(scenario, sync, count, 1, done / elapsed, done >= count / 2 ? At(0.5) : double.NaN,
            done >= count * 0.99 ? At(0.99) : double.NaN, elapsed * 1000, elapsed, errors,
            $"{what}; {done:N0} {eventType} events in {elapsed:F2} s, the first after {samples.FirstOrDefault(s => s.Done > 0).Seconds:F2} s; p50/p99/max = time until 50/99/100 % done; load {load0} → {MachineFacts.LoadAverage()}" +
            (done == count ? "" : $"; VERIFY FAILED: {done} of {count} after {elapsed:F0} s"));
    }

    private static async Task<string> VerifyAsync(DbConnection db, int count)
    {
        var atL2 = await ScalarAsync(db, "SELECT COUNT(*) FROM \"Cases\" WHERE \"Level\" = 2");
        var escalated = await ScalarAsync(db, "SELECT COUNT(*) FROM \"CaseEvents\" WHERE \"Type\" = 'Escalated'");
        var once = await ScalarAsync(db, "SELECT COUNT(*) FROM (SELECT \"CaseNumber\" FROM \"CaseEvents\" WHERE \"Type\" = 'Escalated' GROUP BY \"CaseNumber\" HAVING COUNT(*) = 1) AS o");
        var warnedOnce = await ScalarAsync(db, "SELECT COUNT(*) FROM (SELECT \"CaseNumber\" FROM \"CaseEvents\" WHERE \"Type\" = 'WarningRaised' GROUP BY \"CaseNumber\" HAVING COUNT(*) = 1) AS o");
        var l2Due = await ScalarAsync(db, $"SELECT COUNT(*) FROM \"Cases\" WHERE \"Level\" = 2 AND \"DueAt\" > {L1Due.UtcTicks}");
        // Only the escalation instances count; the clock's jump also fires other published definitions' cron
        // triggers (e.g. the weekly ranking), whose incidents are reported but are not this benchmark's.
        const string escalation = "\"InstanceId\" IN (SELECT \"Id\" FROM \"WorkflowInstances\" WHERE \"DefinitionId\" = 'case-escalation')";
        var incidents = await ScalarAsync(db, $"SELECT COUNT(*) FROM \"WorkflowIncidents\" WHERE {escalation}");
        var others = await ScalarAsync(db, $"SELECT COUNT(*) FROM \"WorkflowIncidents\" WHERE NOT {escalation}");
        var firstIncident = incidents == 0 ? "" : await BenchStore.TextAsync(db,
            $"SELECT \"ActivityId\" || ': ' || \"ExceptionType\" || ': ' || \"Message\" FROM \"WorkflowIncidents\" WHERE {escalation} LIMIT 1");
        var ok = atL2 == count && escalated == count && once == count && warnedOnce == count && l2Due == count && incidents == 0;
        return (ok ? "verified: " : "VERIFY FAILED: ") +
               $"{atL2:N0} cases at L2 with an L2 due time {l2Due:N0}, {escalated:N0} Escalated events ({once:N0} cases with exactly one), " +
               $"{warnedOnce:N0} cases with exactly one WarningRaised, {incidents} escalation workflow incidents{(incidents == 0 ? "" : $" (first: {firstIncident})")}" +
               (others == 0 ? "" : $" ({others} incidents in other workflows, e.g. cron-started ones the clock jump triggered)");
    }

    private static async Task<long> WaitForAsync(DbConnection db, string sql, long target, TimeSpan poll, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        long n;
        while ((n = await ScalarAsync(db, sql)) < target && watch.Elapsed < timeout)
            await Task.Delay(poll);
        if (n < target) Console.WriteLine($"  timed out waiting for {what}: {n} of {target}");
        return n;
    }

    private static Task<long> ScalarAsync(DbConnection db, string sql) => BenchStore.ScalarAsync(db, sql);

    private static Measurement Failed(string scenario, string sync, int count, string why) =>
        new(scenario, sync, count, 1, 0, double.NaN, double.NaN, double.NaN, 0, count, $"VERIFY FAILED: {why}");

    private static CreateCaseRequest NewCase(int i)
    {
        var (category, district) = Routes[i % Routes.Length];
        return new CreateCaseRequest
        {
            Complainant = new Complainant
            {
                Name = "Sunita Rawat",
                Phone = $"8{(uint)i % 1_000_000_000u:D9}",
                Email = "sunita.rawat@example.com",
                Address = "12 Rajpur Road",
                District = district,
                PreferredLanguage = "hi",
            },
            Channel = ApiChannel.Portal,
            Category = category,
            Description = Scenarios.Description,
        };
    }
}

/// <summary>
/// <see cref="ServerUnderTest"/>'s server with one difference: the business clock is a FakeTimeProvider
/// (registered the way the escalation tests register it), so months of limits pass in a moment.
/// </summary>
internal sealed class EscalationServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EscalationServer(WebApplication app, string dataDirectory, int grpcPort)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public string DataDirectory { get; }
    public string DatabaseFile => Path.Combine(DataDirectory, "caseflow.db");
    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<EscalationServer> StartAsync(string synchronous, TimeProvider clock, string? existingDataDirectory = null) =>
        StartAsync(BenchStore.Sqlite(synchronous), clock, existingDataDirectory);

    public static async Task<EscalationServer> StartAsync(BenchStore store, TimeProvider clock, string? existingDataDirectory = null)
    {
        var dataDirectory = existingDataDirectory ?? Directory.CreateTempSubdirectory("caseflow-bench-esc-").FullName;
        int grpcPort, httpPort;
        using (var a = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        using (var b = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            a.Start();
            b.Start();
            grpcPort = ((System.Net.IPEndPoint)a.LocalEndpoint).Port;
            httpPort = ((System.Net.IPEndPoint)b.LocalEndpoint).Port;
        }
        var settings = new Dictionary<string, string?>
        {
            ["CaseFlow:DataDirectory"] = dataDirectory,
            ["CaseFlow:GrpcPort"] = grpcPort.ToString(),
            ["CaseFlow:HttpPort"] = httpPort.ToString(),
            ["CaseFlow:SeedDirectory"] = Path.Combine(AppContext.BaseDirectory, "seed"),
            ["CaseFlow:ApiKeys:0:System"] = "helpline-portal",
            ["CaseFlow:ApiKeys:0:KeySha256"] = ApiKeyAuthenticator.Hash(ServerUnderTest.PortalKey),
            ["CaseFlow:ApiKeys:0:Permissions:0"] = "CreateCases",
            ["CaseFlow:ApiKeys:0:Permissions:1"] = "ReadCases",
            ["CaseFlow:ApiKeys:0:Permissions:2"] = "ReadPersonalData",
            ["CaseFlow:ApiKeys:0:Departments:0"] = "*",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        store.AddSettings(settings);
        var builder = WebApplication.CreateBuilder(ServerComposition.HostOptions(dataDirectory, environment: "Benchmark"));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCaseFlowServer();
        builder.Services.AddSingleton(clock);
        var app = builder.Build();
        await app.UseCaseFlowAsync();
        // The clock jumps over two Mondays: the weekly ranking (SQL over every case, Chromium printing circulars)
        // would fire in the middle of the sweep and time itself into it. It is not what this measures.
        await app.Services.GetRequiredService<CaseFlow.Workflows.Definitions.WorkflowDefinitionService>().RetractAsync("weekly-ranking");
        await app.StartAsync();
        return new EscalationServer(app, dataDirectory, grpcPort);
    }

    /// <summary>Keep the data folder when disposed (to start a server on it again).</summary>
    public bool KeepData { get; set; }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!KeepData)
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
