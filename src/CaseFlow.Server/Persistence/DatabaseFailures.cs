using CaseFlow.Core.Errors;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// Tells a database that cannot serve (unreachable, shut down, read-only, full, its file gone) from a request the
/// database refused (a unique key, a bad value). The first is not the caller's fault and no retry of the same
/// batch will help now: the writer fails it at once, health turns NOT_SERVING, and callers hear UNAVAILABLE.
/// </summary>
public static class DatabaseFailures
{
    // SQLite result codes (primary, low byte): the file cannot be written or read at all.
    private static readonly HashSet<int> SqliteUnavailable = [5 /* BUSY past busy_timeout */, 8 /* READONLY */, 10 /* IOERR */,
        11 /* CORRUPT */, 13 /* FULL */, 14 /* CANTOPEN */, 26 /* NOTADB */];

    public static bool IsUnavailable(Exception e) => Cause(e) is not null;

    /// <summary>
    /// A unique key another writer took between this batch's lookups and its commit (two replicas given the same
    /// request id at once, say). The other writer has committed by the time the error is raised, so running the
    /// request again finds its row and answers as a retry would.
    /// </summary>
    public static bool IsRacedUniqueKey(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg) return pg.SqlState == PostgresErrorCodes.UniqueViolation;
            if (e is SqliteException sqlite) return sqlite.SqliteExtendedErrorCode is 2067 /* CONSTRAINT_UNIQUE */ or 1555 /* CONSTRAINT_PRIMARYKEY */;
        }
        return false;
    }

    /// <summary>What is wrong, in a sentence for logs and the health report.</summary>
    public static string Describe(Exception e) => Cause(e) is { } cause ? $"{cause.GetType().Name}: {cause.Message}" : e.Message;

    public static CaseFlowException Refusal(string reason) =>
        new(ErrorKind.Unavailable, "DATABASE_UNAVAILABLE",
            $"The database cannot be written now ({Bound(reason)}); nothing was stored. Retry, on another replica if there is one.");

    private static Exception? Cause(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when IsUnavailableState(pg.SqlState):
                    return pg;
                case PostgresException:
                    return null; // the server answered and refused this statement
                case NpgsqlException npgsql:
                    return npgsql; // no answer from the server: network, timeout, connection refused
                case SqliteException sqlite when SqliteUnavailable.Contains(sqlite.SqliteErrorCode & 0xFF):
                    return sqlite;
                case SqliteException:
                    return null;
                case TimeoutException or System.Net.Sockets.SocketException:
                    return e;
            }
        }
        return null;
    }

    // 08: connection exceptions; 57P0x: the server is shutting down or starting; 53: out of resources;
    // 25006: a read-only transaction (a standby after failover); 3D000: the database does not exist (dropped).
    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal) ||
        state.StartsWith("53", StringComparison.Ordinal) || state is "25006" or "3D000";

    private static string Bound(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
