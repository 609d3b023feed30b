using System.Data.Common;
using CaseFlow.Server.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Persistence;

/// <summary>Creates contexts for the configured provider and brings the schema up to date at start.</summary>
public sealed class CaseFlowDatabase
{
    private readonly IDbContextFactory<SqliteCaseFlowDbContext> _sqlite;

    public CaseFlowDatabase(IOptions<CaseFlowOptions> options)
    {
        var o = options.Value;
        Directory.CreateDirectory(Path.GetFullPath(o.DataDirectory));
        var connectionString = o.Database.ConnectionString
                               ?? new SqliteConnectionStringBuilder
                               {
                                   DataSource = Path.GetFullPath(Path.Combine(o.DataDirectory, "caseflow.db")),
                                   Pooling = true,
                               }.ToString();
        ConnectionString = connectionString;
        var builder = new DbContextOptionsBuilder<SqliteCaseFlowDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas(o.Database.Synchronous))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        _sqlite = new PooledDbContextFactory<SqliteCaseFlowDbContext>(builder.Options);
    }

    public string ConnectionString { get; }

    public CaseFlowDbContext CreateContext() => _sqlite.CreateDbContext();

    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = CreateContext();
        // WAL lets readers run beside the one writer; the mode is stored in the file, so once is enough.
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.MigrateAsync(ct);
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
