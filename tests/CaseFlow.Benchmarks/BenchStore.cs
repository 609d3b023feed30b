using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CaseFlow.Benchmarks;

/// <summary>
/// Where the servers under test keep their data: a fresh SQLite file in each server's data folder (the embedded
/// default, at a synchronous mode), or a fresh PostgreSQL database shared by every replica of the run. Rows are
/// labelled with <see cref="Label"/> ("Full", "Normal", "pg×1", "pg×2") in the sync column of the table.
/// </summary>
public sealed class BenchStore
{
    private BenchStore(string label, string synchronous, string? postgres)
    {
        Label = label;
        Synchronous = synchronous;
        PostgresConnectionString = postgres;
    }

    public string Label { get; }
    public string Synchronous { get; }
    public string? PostgresConnectionString { get; }
    public bool IsPostgres => PostgresConnectionString is not null;

    public static BenchStore Sqlite(string synchronous) => new(synchronous, synchronous, null);

    /// <summary>A database of its own on the given server (created by the first replica that starts).</summary>
    public static BenchStore Postgres(string serverConnectionString, int replicas)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString)
        {
            Database = $"caseflow_bench_{Guid.NewGuid():N}"[..32],
        };
        return new BenchStore($"pg×{replicas}", "Full", builder.ConnectionString);
    }

    public void AddSettings(IDictionary<string, string?> settings)
    {
        settings["CaseFlow:Database:Synchronous"] = Synchronous;
        if (PostgresConnectionString is null) return;
        settings["CaseFlow:Database:Provider"] = "Postgres";
        settings["CaseFlow:Database:ConnectionString"] = PostgresConnectionString;
    }

    /// <summary>A connection for the harness's own polls and checks, beside the servers' (read-only on SQLite).</summary>
    public async Task<DbConnection> OpenAsync(string dataDirectory)
    {
        DbConnection connection = PostgresConnectionString is { } pg
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Pooling = false }.ConnectionString)
            : new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "caseflow.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The case number's serial part (UK-2026-000123 → 123), in this provider's SQL.</summary>
    public string SerialOf(string column) => IsPostgres
        ? $"CAST(split_part({column}, '-', 3) AS bigint)"
        : $"CAST(substr({column}, instr(substr({column}, 4), '-') + 4) AS INTEGER)";

    /// <summary>Drops the run's PostgreSQL database (SQLite files go with their server's data folder).</summary>
    public async Task DropAsync()
    {
        if (PostgresConnectionString is not { } pg) return;
        NpgsqlConnection.ClearAllPools();
        var builder = new NpgsqlConnectionStringBuilder(pg);
        var name = builder.Database!;
        builder.Database = "postgres";
        builder.Pooling = false;
        await using var admin = new NpgsqlConnection(builder.ConnectionString);
        await admin.OpenAsync();
        await using var drop = admin.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await drop.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(DbConnection db, string sql)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                return Convert.ToInt64(await cmd.ExecuteScalarAsync());
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 5 && attempt < 50) // SQLITE_BUSY during a checkpoint
            {
                await Task.Delay(20);
            }
        }
    }

    public static async Task<string> TextAsync(DbConnection db, string sql)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(await cmd.ExecuteScalarAsync()) ?? "";
    }
}
