using CaseFlow.Server.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The database a test runs on. SQLite is a file in the host's data folder; PostgreSQL is a fresh database on
/// the server that <see cref="ServerVariable"/> names (.ci/run starts one; scripts/dev-postgres starts one
/// locally), created by the server at start and dropped when the test is done. Without that variable a
/// PostgreSQL test reports itself skipped with the reason; it never passes without having run.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "CASEFLOW_TEST_POSTGRES";

    /// <summary>For [TestFixtureSource]: every provider the product supports.</summary>
    public static readonly DatabaseProvider[] Providers = [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private TestDatabase(DatabaseProvider provider, string? connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The PostgreSQL database's connection string; null on SQLite, where the host's data folder holds the file.</summary>
    public string? ConnectionString { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public static TestDatabase Create(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
            return new TestDatabase(provider, null);
        var builder = new NpgsqlConnectionStringBuilder(RequirePostgresServer())
        {
            Database = "caseflow_test_" + Guid.NewGuid().ToString("N")[..16],
            // Replicas in one test process share Npgsql's pool per connection string; keep it small enough
            // that a few hosts fit under the cluster's max_connections.
            MaxPoolSize = 20,
        };
        return new TestDatabase(provider, builder.ConnectionString);
    }

    /// <summary>The PostgreSQL server for the scale-out tests, or the test is skipped with the reason.</summary>
    public static string RequirePostgresServer()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
            Assert.Ignore($"PostgreSQL tests need {ServerVariable}, a connection string to a PostgreSQL 15 server that may create databases " +
                          "(.ci/run starts one; `eval \"$(scripts/dev-postgres)\"` starts one locally).");
        return server!;
    }

    /// <summary>The settings that point a server at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => IsPostgres
        ? new Dictionary<string, string?> { ["CaseFlow:Database:Provider"] = "Postgres", ["CaseFlow:Database:ConnectionString"] = ConnectionString }
        : new Dictionary<string, string?>();

    /// <summary>Options for components built without a host (the writer, the workflow store harness).</summary>
    public PersistenceOptions Options(string dataDirectory, string? seedDirectory = null) =>
        new CaseFlowOptions
        {
            DataDirectory = dataDirectory, SeedDirectory = seedDirectory,
            Database = { Provider = Provider, ConnectionString = ConnectionString },
        }.ToPersistenceOptions();

    /// <summary>Command-line arguments for a server process on this database.</summary>
    public IEnumerable<string> Arguments => Settings.Select(s => $"--{s.Key}={s.Value}");

    /// <summary>
    /// One number from the database as it is now, read beside the servers (SQL with quoted identifiers reads the
    /// same on both). On SQLite a read-only connection to the file, retried while a writer holds it.
    /// </summary>
    /// <param name="execute">Run a statement that changes rows and return how many it changed.</param>
    public long Scalar(string dataDirectory, string sql, bool execute = false)
    {
        if (IsPostgres)
        {
            using var pg = new NpgsqlConnection(ConnectionString);
            pg.Open();
            using var command = new NpgsqlCommand(sql, pg);
            return execute ? command.ExecuteNonQuery() : Convert.ToInt64(command.ExecuteScalar());
        }
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "caseflow.db")};{(execute ? "" : "Mode=ReadOnly;")}Pooling=False");
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                return execute ? cmd.ExecuteNonQuery() : Convert.ToInt64(cmd.ExecuteScalar());
            }
            catch (Microsoft.Data.Sqlite.SqliteException) when (attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>PostgreSQL only: refuses or again allows connections to this database, and ends those open now,
    /// as a network partition or a database server restart would look to the replicas.</summary>
    public async Task SetReachableAsync(bool reachable)
    {
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database!;
        await using var admin = new NpgsqlConnection(RequirePostgresServer());
        await admin.OpenAsync();
        await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")}", admin);
        await alter.ExecuteNonQueryAsync();
        if (reachable) return;
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", admin);
        kill.Parameters.AddWithValue("name", name);
        await kill.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!IsPostgres) return;
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database!;
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await using var admin = new NpgsqlConnection(RequirePostgresServer());
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
