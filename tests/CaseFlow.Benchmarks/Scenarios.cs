using System.Security.Cryptography;
using System.Text;
using CaseFlow.Api.V1;
using CaseFlow.Core.Access;
using CaseFlow.Core.Cases;
using CaseFlow.Server.Escalation;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Security;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ApiChannel = CaseFlow.Api.V1.Channel;
using DomainCaseService = CaseFlow.Core.Cases.CaseService;

namespace CaseFlow.Benchmarks;

/// <summary>The measured operations. Each one warms up on the same path before its timed run.</summary>
public static class Scenarios
{
    // Mixed Hindi and English, as the portal sends: ~330 bytes of UTF-8, which with the other columns
    // makes a stored case row of roughly 600 bytes.
    public const string Description =
        "हमारे मोहल्ले में सोमवार शाम से बिजली नहीं है। Power has been out in our mohalla since Monday evening; " +
        "the transformer near the school hums and sparks. कृपया जल्द कार्रवाई करें।";

    private static readonly (string Category, string District)[] Routes =
    [
        ("power-supply", "dehradun"), ("water-supply", "haridwar"), ("road-condition", "nainital"),
        ("ration-card", "almora"), ("sanitation", "udham-singh-nagar"), ("hospital-services", "tehri-garhwal"),
    ];

    /// <summary>grpc.health.v1.Health/Check: no key check, no storage, a tiny message — the transport's floor.</summary>
    public static async Task<Measurement> EmptyUnaryAsync(ServerUnderTest server, string sync, int count, int concurrency, int warmup)
    {
        var health = new Health.HealthClient(server.Channel);
        var request = new HealthCheckRequest();
        Task Call(int _) => health.CheckAsync(request, ServerUnderTest.Options).ResponseAsync;
        await Load.WarmUpAsync(warmup, concurrency, Call);
        return await Load.RunAsync("unary-empty", sync, count, concurrency, Call, "grpc.health.v1.Health/Check");
    }

    public static Task<Measurement> CreateCaseAsync(ServerUnderTest server, string sync, int count, int concurrency, int warmup,
        WriterProfile? profile) => CreateCaseAsync([server], sync, count, concurrency, warmup, profile);

    /// <summary>CreateCase over gRPC; with several replicas (one PostgreSQL database) the calls alternate between them.</summary>
    public static async Task<Measurement> CreateCaseAsync(IReadOnlyList<ServerUnderTest> servers, string sync, int count, int concurrency, int warmup,
        WriterProfile? profile)
    {
        var clients = servers.Select(s => new CaseFlow.Api.V1.CaseService.CaseServiceClient(s.Channel)).ToArray();
        var run = Guid.NewGuid().ToString("N")[..8];
        Func<int, Task> Call(string phase) => i =>
        {
            var request = NewCaseRequest(i);
            request.RequestId = RequestId(run, phase, i);
            return clients[i % clients.Length].CreateCaseAsync(request, ServerUnderTest.Options).ResponseAsync;
        };
        await Load.WarmUpAsync(warmup, concurrency, Call("w"));
        profile?.Reset();
        var what = servers.Count == 1 ? "CaseService/CreateCase over gRPC" : $"CaseService/CreateCase over gRPC, alternating between {servers.Count} replicas in this process";
        var m = await Load.RunAsync("create-case", sync, count, concurrency, Call("m"), what);
        var report = profile?.Report();
        return m with { Note = Join(m.Note, await VerifyAsync(servers[0])) } with { WriterProfile = report };
    }

    /// <summary>
    /// Diagnostic, not in "all": CreateCase over gRPC exactly as create-case, but with the writer's escalation hook
    /// replaced for the run by one that does nothing, so a new case gets no workflow, no due time and no timers. What
    /// is left is the price of the case's own rows (case, event, request record) and the transport: the floor under
    /// create-case, however cheap its workflow's first step is made. Run it last on its server: the cases it leaves
    /// have no clock until the repair sweep starts their workflows.
    /// </summary>
    public static async Task<Measurement> CreateCaseBareAsync(ServerUnderTest server, string sync, int count, int concurrency, int warmup)
    {
        var writer = server.Services.GetRequiredService<CaseWriter>();
        writer.UseHook(new NoWorkflow());
        try
        {
            var m = await CreateCaseAsync(server, sync, count, concurrency, warmup, null);
            return m with { Scenario = "create-case-bare", Note = "diagnostic: CreateCase over gRPC with the workflow hook off (no first step, no timers); " + m.Note };
        }
        finally
        {
            writer.UseHook(server.Services.GetRequiredService<CaseWorkflowHook>());
        }
    }

    private sealed class NoWorkflow : IWriteBatchHook
    {
        public Task OnBatchAsync(WriteBatch batch, CancellationToken ct) => Task.CompletedTask;
    }

    /// <summary>
    /// Diagnostic: the domain CaseService → EfCaseStore → CaseWriter path called directly in the server
    /// process, without gRPC. The gap between this and create-case is the transport's share.
    /// </summary>
    public static async Task<Measurement> CreateInProcessAsync(ServerUnderTest server, string sync, int count, int concurrency, int warmup)
    {
        var service = server.Services.GetRequiredService<DomainCaseService>();
        var caller = server.Services.GetRequiredService<ApiKeyAuthenticator>().Authenticate(ServerUnderTest.PortalKey, System.Net.IPAddress.Loopback);
        var actor = new Actor(caller, null);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Description)));
        var run = Guid.NewGuid().ToString("N")[..8];
        Func<int, Task> Call(string phase) => i =>
        {
            var (category, district) = Routes[i % Routes.Length];
            var id = RequestId(run, phase, i);
            var request = new NewCase(id,
                new NewComplainant("Sunita Rawat", NextPhone(), "sunita.rawat@example.com", "12 Rajpur Road", district, "hi"),
                Core.Cases.Channel.Portal, category, null, Description, [], null);
            return service.CreateAsync(actor, request, new RequestKey(caller.System, id, "CreateCase", fingerprint), CancellationToken.None);
        };
        await Load.WarmUpAsync(warmup, concurrency, Call("w"));
        return await Load.RunAsync("create-in-process", sync, count, concurrency, Call("m"),
            "diagnostic: CaseService.CreateAsync in the server process, no gRPC");
    }

    /// <summary>One ~600-byte row per transaction on one connection: the storage floor for one-commit-per-case.</summary>
    public static Task<Measurement> RawSqliteAsync(string sync, int count, int rowsPerTransaction, int warmup)
    {
        var folder = Directory.CreateTempSubdirectory("caseflow-bench-raw-").FullName;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(folder, "raw.db"), Pooling = false,
            }.ToString());
            connection.Open();
            Exec(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={sync.ToUpperInvariant()};");
            Exec(connection, """
                CREATE TABLE Cases (
                    Id INTEGER PRIMARY KEY, Number TEXT NOT NULL, Department TEXT NOT NULL, District TEXT NOT NULL,
                    Category TEXT NOT NULL, Channel TEXT NOT NULL, ComplainantName TEXT NOT NULL, ComplainantPhone TEXT NOT NULL,
                    ComplainantEmail TEXT, ComplainantAddress TEXT, PreferredLanguage TEXT NOT NULL, Description TEXT NOT NULL,
                    AssignedPostId TEXT NOT NULL, Status TEXT NOT NULL, CreatedAt INTEGER NOT NULL, UpdatedAt INTEGER NOT NULL,
                    CreatedBy TEXT NOT NULL, Version INTEGER NOT NULL);
                """);
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO Cases (Number, Department, District, Category, Channel, ComplainantName, ComplainantPhone,
                    ComplainantEmail, ComplainantAddress, PreferredLanguage, Description, AssignedPostId, Status,
                    CreatedAt, UpdatedAt, CreatedBy, Version)
                VALUES ($number, 'drinking-water', 'udham-singh-nagar', 'water-supply', 'Portal', 'Sunita Rawat', '+919897012345',
                    'sunita.rawat@example.com', '12 Rajpur Road, Dehradun', 'hi', $description,
                    'drinking-water-udham-singh-nagar-l1', 'Registered', $at, $at, 'helpline-portal', 1);
                """;
            var number = insert.Parameters.Add("$number", SqliteType.Text);
            insert.Parameters.AddWithValue("$description", Description);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            insert.Prepare();
            var next = 0;
            Task Commit(int _)
            {
                using var tx = connection.BeginTransaction();
                insert.Transaction = tx;
                for (var r = 0; r < rowsPerTransaction; r++)
                {
                    number.Value = $"UK-2026-{++next:D6}";
                    at.Value = DateTime.UtcNow.Ticks;
                    insert.ExecuteNonQuery();
                }
                tx.Commit();
                return Task.CompletedTask;
            }
            // One connection can only run one transaction at a time, so this is a single caller by design.
            Load.WarmUpAsync(Math.Max(1, warmup / rowsPerTransaction), 1, Commit).GetAwaiter().GetResult();
            var name = rowsPerTransaction == 1 ? "sqlite-row" : $"sqlite-batch{rowsPerTransaction}";
            var note = rowsPerTransaction == 1
                ? "Microsoft.Data.Sqlite, 1 row (~600 B) per commit"
                : $"Microsoft.Data.Sqlite, {rowsPerTransaction} rows per commit; ops = rows, latency = per commit";
            var m = Load.RunAsync(name, sync, count / rowsPerTransaction, 1, Commit, note, rowsPerTransaction).GetAwaiter().GetResult();
            return Task.FromResult(m);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static CreateCaseRequest NewCaseRequest(int i)
    {
        var (category, district) = Routes[i % Routes.Length];
        return new CreateCaseRequest
        {
            Complainant = new Complainant
            {
                Name = "Sunita Rawat",
                // One number per call: the server may cap complaints per phone per day, and real traffic varies.
                Phone = NextPhone(),
                Email = "sunita.rawat@example.com",
                Address = "12 Rajpur Road",
                District = district,
                PreferredLanguage = "hi",
            },
            Channel = ApiChannel.Portal,
            Category = category,
            Description = Description,
        };
    }

    /// <summary>
    /// Afterwards, straight from the database: every case is there once and the numbers run 1..N without a gap
    /// (a fast benchmark that lost or doubled cases would be worthless). Only Registered events are counted:
    /// the escalation workflow adds its own (due time set, …) to each case in the background.
    /// </summary>
    private static async Task<string> VerifyAsync(ServerUnderTest server)
    {
        await using var connection = await server.Store.OpenAsync(server.DataDirectory);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT COUNT(*), COUNT(DISTINCT "Number"), MAX({server.Store.SerialOf("\"Number\"")}),
                   (SELECT COUNT(*) FROM "RequestRecords"), (SELECT COUNT(*) FROM "CaseEvents" WHERE "Type" = 'Registered')
            FROM "Cases";
            """;
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        long rows = reader.GetInt64(0), distinct = reader.GetInt64(1), max = reader.GetInt64(2);
        long requests = reader.GetInt64(3), events = reader.GetInt64(4);
        var ok = rows == distinct && rows == max && requests == rows && events == rows;
        return ok
            ? $"verified: {rows} cases in the database, numbers 1..{max} gap-free"
            : $"VERIFY FAILED: {rows} rows, {distinct} distinct numbers, max {max}, {requests} request records, {events} Registered events";
    }

    private static int _phones;

    /// <summary>
    /// --random-keys: request ids and phone numbers as callers send them (random UUIDs, any number), instead of in
    /// order. Each then lands on a leaf of its own in the request-record and phone indexes, which costs a commit
    /// about a third more (measured 2026-12-07); in order, they append.
    /// </summary>
    public static bool RandomKeys { get; set; }

    private static string RequestId(string run, string phase, int i) => RandomKeys ? Guid.NewGuid().ToString() : $"bench-{run}-{phase}-{i}";

    private static string NextPhone() => RandomKeys
        ? $"9{Random.Shared.Next(0, 1_000_000_000):D9}"
        : $"9{(uint)Interlocked.Increment(ref _phones) % 1_000_000_000u:D9}";

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Join(string? a, string b) => a is null ? b : $"{a}; {b}";
}
