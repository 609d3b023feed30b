using CaseFlow.Core.Cases;
using CaseFlow.Server.Persistence.Circulars;
using CaseFlow.Server.Persistence.Security;
using CaseFlow.Server.Persistence.Workflows;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The one database of CaseFlow. Each provider has a subclass that owns its migrations, because
/// migrations are provider-specific SQL.
/// </summary>
public abstract class CaseFlowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();
    public DbSet<RequestRecord> RequestRecords => Set<RequestRecord>();
    public DbSet<CaseNumberSeries> CaseNumberSeries => Set<CaseNumberSeries>();
    public DbSet<DirectoryVersion> DirectoryVersions => Set<DirectoryVersion>();
    public DbSet<PostChange> PostChanges => Set<PostChange>();
    public DbSet<HabitualComplainant> HabitualComplainants => Set<HabitualComplainant>();
    public DbSet<CalendarVersion> CalendarVersions => Set<CalendarVersion>();
    public DbSet<WorkflowDefinitionRow> WorkflowDefinitions => Set<WorkflowDefinitionRow>();
    public DbSet<WorkflowInstanceRow> WorkflowInstances => Set<WorkflowInstanceRow>();
    public DbSet<WorkflowBookmarkRow> WorkflowBookmarks => Set<WorkflowBookmarkRow>();
    public DbSet<WorkflowStimulusRow> WorkflowStimuli => Set<WorkflowStimulusRow>();
    public DbSet<WorkflowJournalStepRow> WorkflowJournal => Set<WorkflowJournalStepRow>();
    public DbSet<WorkflowIncidentRow> WorkflowIncidents => Set<WorkflowIncidentRow>();
    public DbSet<ReplicaRow> Replicas => Set<ReplicaRow>();
    public DbSet<RankingSnapshotRow> RankingSnapshots => Set<RankingSnapshotRow>();
    public DbSet<RecurringSnapshotRow> RecurringSnapshots => Set<RecurringSnapshotRow>();
    public DbSet<CircularRow> Circulars => Set<CircularRow>();
    public DbSet<CircularTemplateRow> CircularTemplates => Set<CircularTemplateRow>();
    public DbSet<ScorecardVersionRow> ScorecardVersions => Set<ScorecardVersionRow>();
    public DbSet<DesignerSessionRow> DesignerSessions => Set<DesignerSessionRow>();
    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CaseFlowDbContext).Assembly);
}
