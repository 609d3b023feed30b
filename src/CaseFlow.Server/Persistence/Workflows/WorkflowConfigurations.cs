using CaseFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseFlow.Server.Persistence.Workflows;

/// <summary>Names the hand-written SQL (timer claims, partial-index filters) shares with the model.</summary>
internal static class WorkflowTables
{
    public const string Definitions = "WorkflowDefinitions";
    public const string Instances = "WorkflowInstances";
    public const string Bookmarks = "WorkflowBookmarks";
    public const string Stimuli = "WorkflowStimuli";
    public const string Journal = "WorkflowJournal";
    public const string Incidents = "WorkflowIncidents";

    // Identical text in the index filter and in the claim query: SQLite uses a partial index only when the
    // query's WHERE visibly implies the index's WHERE, and PostgreSQL reads double-quoted names the same way.
    public const string TimedFilter = "\"Kind\" IN ('Timer', 'Trigger')";
    public const string EventFilter = "\"Kind\" = 'Event'";
    public const string TriggerFilter = "\"Kind\" = 'Trigger'";

    public const int IdLength = 128;
    public const int NameLength = 256;
}

internal sealed class WorkflowDefinitionRowConfiguration : IEntityTypeConfiguration<WorkflowDefinitionRow>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinitionRow> b)
    {
        b.Property(d => d.SavedBy).HasMaxLength(64);
        b.Property(d => d.PublishedBy).HasMaxLength(64);
        b.Property(d => d.Note).HasMaxLength(VersionNote.MaxLength);
        b.ToTable(WorkflowTables.Definitions);
        b.HasKey(d => new { d.DefinitionId, d.Version });
        b.Property(d => d.DefinitionId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(d => d.Name).HasMaxLength(WorkflowTables.NameLength);
        // The designer lists the latest version of every definition.
        b.HasIndex(d => new { d.IsLatest, d.DefinitionId });
    }
}

internal sealed class WorkflowInstanceRowConfiguration : IEntityTypeConfiguration<WorkflowInstanceRow>
{
    public void Configure(EntityTypeBuilder<WorkflowInstanceRow> b)
    {
        b.ToTable(WorkflowTables.Instances);
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).HasMaxLength(WorkflowTables.IdLength);
        b.Property(i => i.DefinitionId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(i => i.CorrelationId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(i => i.Name).HasMaxLength(WorkflowTables.NameLength);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        // Lists filter by definition and status and page newest first (ties by id): with the order's columns
        // and directions in the index, a page is read straight off it with no sort.
        b.HasIndex(i => new { i.DefinitionId, i.Status, i.CreatedAt, i.Id }).IsDescending(false, false, true, false);
        b.HasIndex(i => new { i.CreatedAt, i.Id }).IsDescending(true, false);
        b.HasIndex(i => i.CorrelationId);
    }
}

internal sealed class WorkflowBookmarkRowConfiguration : IEntityTypeConfiguration<WorkflowBookmarkRow>
{
    public void Configure(EntityTypeBuilder<WorkflowBookmarkRow> b)
    {
        b.ToTable(WorkflowTables.Bookmarks);
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(WorkflowTables.IdLength);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.InstanceId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(x => x.DefinitionId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(x => x.ActivityId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(x => x.EventName).HasMaxLength(WorkflowTables.NameLength);
        b.Property(x => x.CorrelationId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(x => x.Tag).HasMaxLength(WorkflowTables.NameLength);
        b.Property(x => x.ClaimOwner).HasMaxLength(WorkflowTables.NameLength);
        // Partial indexes: a million waiting cases are mostly event waits, and the timer sweep should not
        // walk them (nor the event lookup walk the timers).
        b.HasIndex(x => x.DueAt).HasDatabaseName("IX_WorkflowBookmarks_Timed_DueAt").HasFilter(WorkflowTables.TimedFilter);
        b.HasIndex(x => new { x.EventName, x.CorrelationId }).HasDatabaseName("IX_WorkflowBookmarks_Event").HasFilter(WorkflowTables.EventFilter);
        b.HasIndex(x => x.InstanceId);
        // Only triggers are looked up by definition (publish, retract): a few rows, so a few index entries.
        b.HasIndex(x => x.DefinitionId).HasDatabaseName("IX_WorkflowBookmarks_Trigger").HasFilter(WorkflowTables.TriggerFilter);
    }
}

internal sealed class WorkflowStimulusRowConfiguration : IEntityTypeConfiguration<WorkflowStimulusRow>
{
    public void Configure(EntityTypeBuilder<WorkflowStimulusRow> b)
    {
        b.ToTable(WorkflowTables.Stimuli);
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(WorkflowTables.IdLength);
        b.Property(s => s.EventName).HasMaxLength(WorkflowTables.NameLength);
        b.Property(s => s.CorrelationId).HasMaxLength(WorkflowTables.IdLength);
        b.HasIndex(s => new { s.EventName, s.CorrelationId, s.CreatedAt });
        b.HasIndex(s => s.ExpiresAt).HasFilter("\"ExpiresAt\" IS NOT NULL");
    }
}

internal sealed class WorkflowJournalStepRowConfiguration : IEntityTypeConfiguration<WorkflowJournalStepRow>
{
    public void Configure(EntityTypeBuilder<WorkflowJournalStepRow> b)
    {
        b.ToTable(WorkflowTables.Journal);
        b.HasKey(j => new { j.InstanceId, j.Sequence });
        b.Property(j => j.InstanceId).HasMaxLength(WorkflowTables.IdLength);
    }
}

internal sealed class WorkflowIncidentRowConfiguration : IEntityTypeConfiguration<WorkflowIncidentRow>
{
    public void Configure(EntityTypeBuilder<WorkflowIncidentRow> b)
    {
        b.ToTable(WorkflowTables.Incidents);
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).HasMaxLength(WorkflowTables.IdLength);
        b.Property(i => i.InstanceId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(i => i.ActivityId).HasMaxLength(WorkflowTables.IdLength);
        b.Property(i => i.ActivityType).HasMaxLength(WorkflowTables.NameLength);
        b.Property(i => i.ActivityName).HasMaxLength(WorkflowTables.NameLength);
        b.HasIndex(i => new { i.InstanceId, i.At });
    }
}
