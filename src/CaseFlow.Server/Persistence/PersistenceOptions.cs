namespace CaseFlow.Server.Persistence;

public enum DatabaseProvider { Sqlite, Postgres }

public enum SqliteSynchronous { Normal, Full }

/// <summary>Bound from CaseFlow:Database.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>PostgreSQL connection string; for SQLite the file is {DataDirectory}/caseflow.db unless given.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// FULL syncs the WAL at every commit (survives power loss); NORMAL survives a process crash only.
    /// Commits are grouped, so FULL costs one fsync per group, not per case.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>The most requests the single writer groups into one transaction.</summary>
    public int MaxWriteBatch { get; set; } = 256;
}

/// <summary>
/// What the persistence room needs, assembled by Hosting from the bound settings: the database, where the
/// SQLite file lives, the seed files that fill an empty database, and this process's name among the replicas
/// sharing the database (its timer claims, circular claims and health row carry it).
/// </summary>
public sealed record PersistenceOptions(DatabaseOptions Database, string DataDirectory, string SeedDirectory, string ReplicaId);
