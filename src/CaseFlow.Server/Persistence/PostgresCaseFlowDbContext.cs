using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The PostgreSQL database, for several CaseFlow replicas sharing one server. Instants are stored as UTC ticks
/// in bigint columns, exactly as on SQLite: the hand-written SQL (timer claims, ranking aggregation, writer
/// lookups) then reads the same on both, and no offset other than UTC can reach a timestamptz column.
/// </summary>
public sealed class PostgresCaseFlowDbContext(DbContextOptions<PostgresCaseFlowDbContext> options) : CaseFlowDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // The transaction that wrote an event: PostgreSQL hands out sequence ids before commit, so ids alone do
        // not tell a watcher which events are final. Transaction ids below the oldest running one are.
        modelBuilder.Entity<Core.Cases.CaseEvent>().Property<long>(CaseEventOrder.Column)
            .HasDefaultValueSql("pg_current_xact_id()::text::bigint").ValueGeneratedOnAdd();
        modelBuilder.Entity<Core.Cases.CaseEvent>().HasIndex(CaseEventOrder.Column, nameof(Core.Cases.CaseEvent.Id));
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}

/// <summary>The commit-order column of case events on PostgreSQL (a shadow property: the domain does not see it).</summary>
public static class CaseEventOrder
{
    public const string Column = "TxId";
}

/// <summary>Lets `dotnet ef migrations add` build the PostgreSQL model without a server.</summary>
internal sealed class PostgresDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<PostgresCaseFlowDbContext>
{
    public PostgresCaseFlowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCaseFlowDbContext>().UseNpgsql("Host=localhost;Database=caseflow_design").Options);
}
