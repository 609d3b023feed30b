using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CaseFlow.Server.Persistence;

/// <summary>Creates contexts for the configured provider and brings the schema up to date at start.</summary>
public sealed class CaseFlowDatabase
{
    // Any fixed number: the key of the session lock under which replicas apply migrations one at a time.
    private const long MigrationLock = 0x43617365466c6f77; // "CaseFlow"

    private readonly Func<CaseFlowDbContext> _create;

    public CaseFlowDatabase(PersistenceOptions o)
    {
        Provider = o.Database.Provider;
        if (Provider == DatabaseProvider.Postgres)
        {
            ConnectionString = o.Database.ConnectionString
                               ?? throw new InvalidOperationException("CaseFlow:Database:ConnectionString is required for the Postgres provider.");
            var builder = new DbContextOptionsBuilder<PostgresCaseFlowDbContext>()
                .UseNpgsql(ConnectionString)
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
            var factory = new PooledDbContextFactory<PostgresCaseFlowDbContext>(builder.Options);
            _create = factory.CreateDbContext;
            return;
        }
        Directory.CreateDirectory(Path.GetFullPath(o.DataDirectory));
        ConnectionString = o.Database.ConnectionString
                           ?? new SqliteConnectionStringBuilder
                           {
                               DataSource = Path.GetFullPath(Path.Combine(o.DataDirectory, "caseflow.db")),
                               Pooling = true,
                           }.ToString();
        var sqlite = new DbContextOptionsBuilder<SqliteCaseFlowDbContext>()
            .UseSqlite(ConnectionString)
            .AddInterceptors(new SqlitePragmas(o.Database.Synchronous))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        var sqliteFactory = new PooledDbContextFactory<SqliteCaseFlowDbContext>(sqlite.Options);
        _create = sqliteFactory.CreateDbContext;
    }

    public DatabaseProvider Provider { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public string ConnectionString { get; }

    public CaseFlowDbContext CreateContext() => _create();

    /// <summary>
    /// Applies the migrations this build knows. On PostgreSQL several replicas may start at once, so they take
    /// turns under a session advisory lock. A database migrated by a newer CaseFlow is refused: this build would
    /// write rows that version does not expect.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = CreateContext();
        if (IsPostgres)
            await EnsurePostgresDatabaseAsync(db, ct);
        await db.Database.OpenConnectionAsync(ct);
        if (IsPostgres)
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLock})", ct);
        else
            // WAL lets readers run beside the one writer; the mode is stored in the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        try
        {
            var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
            var newer = (await db.Database.GetAppliedMigrationsAsync(ct)).Where(m => !known.Contains(m)).ToList();
            if (newer.Count > 0)
                throw new InvalidOperationException(
                    $"The database was migrated by a newer CaseFlow (migration {string.Join(", ", newer)} is unknown to this build). " +
                    "Start the newer version, or restore a backup taken before the upgrade; this server will not write to it.");
            await db.Database.MigrateAsync(ct);
        }
        finally
        {
            if (IsPostgres)
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
        }
    }

    /// <summary>
    /// Creates the named database when the server has none by that name (the advisory lock needs a database to
    /// live in, so this comes first). Replicas starting together may race to create it: the loser's "already
    /// exists" is success.
    /// </summary>
    private static async Task EnsurePostgresDatabaseAsync(CaseFlowDbContext db, CancellationToken ct)
    {
        var creator = db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(ct))
            return;
        try
        {
            await creator.CreateAsync(ct);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.DuplicateDatabase or Npgsql.PostgresErrorCodes.UniqueViolation)
        {
        }
    }

    /// <summary>Per-connection settings SQLite does not keep in the file.</summary>
    private sealed class SqlitePragmas(SqliteSynchronous synchronous) : DbConnectionInterceptor
    {
        // A 32 MB page cache per connection and memory-mapped reads: at a million cases the indexes the writer
        // and the timer sweep walk stay in memory instead of being re-read page by page.
        private readonly string _sql = $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout=10000; " +
                                       "PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = _sql;
            cmd.ExecuteNonQuery();
        }
    }
}

/// <summary>Lets `dotnet ef migrations add` build the SQLite model without starting the host.</summary>
internal sealed class SqliteDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<SqliteCaseFlowDbContext>
{
    public SqliteCaseFlowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCaseFlowDbContext>().UseSqlite("Data Source=design.db").Options);
}
