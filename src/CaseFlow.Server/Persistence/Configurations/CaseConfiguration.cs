using System.Text.Json;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Ranking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseFlow.Server.Persistence.Configurations;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> b)
    {
        b.ToTable("Cases");
        b.HasKey(c => c.Id);
        b.Property(c => c.Number).HasMaxLength(40);
        b.HasIndex(c => c.Number).IsUnique();
        b.Property(c => c.Department).HasMaxLength(64);
        b.Property(c => c.District).HasMaxLength(64);
        b.Property(c => c.Category).HasMaxLength(64);
        b.Property(c => c.SubCategory).HasMaxLength(64);
        b.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(c => c.AssignedPostId).HasMaxLength(128);
        b.Property(c => c.CreatedBy).HasMaxLength(64);
        b.Property(c => c.PreferredLanguage).HasMaxLength(8);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Property(c => c.SpecialCloseReview).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.StatusBeforeProposal).HasConversion<string>().HasMaxLength(32);
        b.Property(c => c.SpecialCloseReason).HasMaxLength(64);
        b.Property(c => c.TransferToDepartment).HasMaxLength(64);
        // The review queue: approved special closes awaiting a reviewer, by key (a partial index: see CaseIndexes).
        b.HasIndex(c => c.Id, CaseIndexes.ReviewQueue).HasFilter(CaseIndexes.ReviewFilter);
        b.Property(c => c.Attachments).HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Web),
                v => JsonSerializer.Deserialize<List<Attachment>>(v, JsonSerializerOptions.Web) ?? new List<Attachment>())
            .Metadata.SetValueComparer(new ValueComparer<List<Attachment>>(
                (a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
        // The history fold in its compact binary form (CaseReplay.Encode): rankings read it for every case that can count.
        b.Property(c => c.Replay).HasConversion(
                v => v == null ? null : v.Encode(),
                v => v == null ? null : CaseReplay.Decode(v))
            .Metadata.SetValueComparer(new ValueComparer<CaseReplay?>((a, b) => Equals(a, b), v => v == null ? 0 : v.GetHashCode(), v => v));
        b.Ignore(c => c.Etag);
        b.Ignore(c => c.ResourceName);
        // Listing filters by department and pages by id; officers' views filter by status and level.
        b.HasIndex(c => new { c.Department, c.Id });
        b.HasIndex(c => new { c.Department, c.Status, c.Id });
        // Registration-time ranges (listing by date, the weeks recurring detection counts): the counts per category and
        // district come from this index alone.
        b.HasIndex(c => new { c.CreatedAt, c.Habitual, c.Category, c.District });
        // Abuse control counts complaints per phone number per day.
        b.HasIndex(c => new { c.ComplainantPhone, c.CreatedAt });
        // What a ranking reads (RankingQueries): the open cases in key order, and the closed ones changed since its period began.
        // A new case adds one entry at the end of the first; a closing moves it to the end of the second.
        b.HasIndex(c => c.Id, CaseIndexes.Open).HasFilter(CaseIndexes.OpenFilter);
        b.HasIndex(c => c.UpdatedAt, CaseIndexes.ClosedByUpdate).HasFilter(CaseIndexes.ClosedFilter);
    }
}

internal sealed class CaseEventConfiguration : IEntityTypeConfiguration<CaseEvent>
{
    public void Configure(EntityTypeBuilder<CaseEvent> b)
    {
        b.ToTable("CaseEvents");
        b.HasKey(e => e.Id);
        b.Property(e => e.Type).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.CaseNumber).HasMaxLength(40);
        b.Property(e => e.Department).HasMaxLength(64);
        b.Property(e => e.ActorSystem).HasMaxLength(64);
        b.Property(e => e.ActorPost).HasMaxLength(128);
        b.HasIndex(e => new { e.CaseNumber, e.Id });
        // No (Department, Id) index: the watch feed reads events in commit order from its cursor (the key on SQLite, the
        // transaction order on PostgreSQL) and filters the department as it goes, so a live watcher reads what was written
        // since its last poll. Such an index cost every commit one leaf per department its events touched, about a tenth
        // of the pages a batch of registrations writes.
    }
}

internal sealed class RequestRecordConfiguration : IEntityTypeConfiguration<RequestRecord>
{
    public void Configure(EntityTypeBuilder<RequestRecord> b)
    {
        b.ToTable("RequestRecords");
        b.HasKey(r => new { r.System, r.RequestId });
        b.Property(r => r.System).HasMaxLength(64);
        b.Property(r => r.RequestId).HasMaxLength(128);
        b.Property(r => r.Method).HasMaxLength(64);
        b.Property(r => r.Fingerprint).HasMaxLength(64);
        b.Property(r => r.CaseNumber).HasMaxLength(40);
    }
}

internal sealed class CaseNumberSeriesConfiguration : IEntityTypeConfiguration<CaseNumberSeries>
{
    public void Configure(EntityTypeBuilder<CaseNumberSeries> b)
    {
        b.ToTable("CaseNumberSeries");
        b.HasKey(s => s.Prefix);
        b.Property(s => s.Prefix).HasMaxLength(32);
        // Two replicas reserving numbers at once: the loser fails its commit and retries, never duplicates.
        b.Property(s => s.Last).IsConcurrencyToken();
    }
}

internal sealed class DirectoryVersionConfiguration : IEntityTypeConfiguration<DirectoryVersion>
{
    public void Configure(EntityTypeBuilder<DirectoryVersion> b)
    {
        b.ToTable("DirectoryVersions");
        b.HasKey(v => v.Id);
        b.Property(v => v.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class PostChangeConfiguration : IEntityTypeConfiguration<PostChange>
{
    public void Configure(EntityTypeBuilder<PostChange> b)
    {
        b.ToTable("PostChanges");
        b.HasKey(p => p.Id);
        b.Property(p => p.Department).HasMaxLength(64);
        b.Property(p => p.PostId).HasMaxLength(128);
        b.Property(p => p.ChangedBy).HasMaxLength(64);
        b.Property(p => p.RequestId).HasMaxLength(128);
        b.HasIndex(p => new { p.Department, p.Id });
    }
}

internal sealed class HabitualComplainantConfiguration : IEntityTypeConfiguration<HabitualComplainant>
{
    public void Configure(EntityTypeBuilder<HabitualComplainant> b)
    {
        b.ToTable("HabitualComplainants");
        b.HasKey(h => h.Phone);
        b.Property(h => h.Phone).HasMaxLength(16);
        b.Property(h => h.FlaggedBy).HasMaxLength(64);
    }
}

internal sealed class CalendarVersionConfiguration : IEntityTypeConfiguration<CalendarVersion>
{
    public void Configure(EntityTypeBuilder<CalendarVersion> b)
    {
        b.ToTable("CalendarVersions");
        b.HasKey(v => v.Id);
        b.Property(v => v.CalendarId).HasMaxLength(64);
        b.Property(v => v.CreatedBy).HasMaxLength(64);
        b.HasIndex(v => new { v.CalendarId, v.Id });
    }
}

internal sealed class ReplicaConfiguration : IEntityTypeConfiguration<ReplicaRow>
{
    public void Configure(EntityTypeBuilder<ReplicaRow> b)
    {
        b.ToTable("Replicas");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(200);
    }
}
