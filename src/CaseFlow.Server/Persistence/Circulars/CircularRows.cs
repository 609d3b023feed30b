using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseFlow.Server.Persistence.Circulars;

/// <summary>A computed ranking, never updated: the circulars and reviews that cite it must stay true to it.</summary>
public sealed class RankingSnapshotRow
{
    public long Id { get; set; }
    public DateTimeOffset PeriodFrom { get; set; }
    public DateTimeOffset PeriodTo { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    public int ScorecardVersion { get; set; }
    /// <summary>The workflow step (instance/activity) or gRPC request that made it, so a redone step finds its snapshot.</summary>
    public string? RequestKey { get; set; }
    /// <summary>The whole <see cref="Core.Ranking.Ranking"/>; read as one document, never queried into.</summary>
    public string Json { get; set; } = "";
}

/// <summary>Recurring complaints found for one ISO week, stored once per ranking snapshot.</summary>
public sealed class RecurringSnapshotRow
{
    public long Id { get; set; }
    public string Week { get; set; } = "";
    public long? RankingSnapshotId { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    public string? RequestKey { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>An archived circular. Content is kept as sent; only the delivery columns are filled in later.</summary>
public sealed class CircularRow
{
    public long Id { get; set; }
    public string Kind { get; set; } = "";
    public string Language { get; set; } = "";
    public string? Department { get; set; }
    public string LetterNumber { get; set; } = "";
    public string Subject { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public long RankingSnapshotId { get; set; }
    public string? RequestKey { get; set; }
    public string Html { get; set; } = "";
    public byte[]? Pdf { get; set; }
    public string? PdfSkippedReason { get; set; }
    /// <summary>Comma-separated addresses from the directory at render time.</summary>
    public string Recipients { get; set; } = "";
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? DeliveryNote { get; set; }

    /// <summary>
    /// The replica printing and mailing it now, and until when: replicas sharing the database each look for
    /// undelivered circulars, and only the one whose claim took mails it. A claim past its time (the replica died
    /// mid-delivery, or SMTP refused) is free to take again.
    /// </summary>
    public string? DeliveryClaim { get; set; }
    public DateTimeOffset? DeliveryClaimUntil { get; set; }
}

/// <summary>One saved version of an administrator-edited template; the highest version that parsed is in force.</summary>
public sealed class CircularTemplateRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public int Version { get; set; }
    public string Text { get; set; } = "";
    public DateTimeOffset SavedAt { get; set; }
    public string SavedBy { get; set; } = "";
}

internal sealed class RankingSnapshotConfiguration : IEntityTypeConfiguration<RankingSnapshotRow>
{
    public void Configure(EntityTypeBuilder<RankingSnapshotRow> b)
    {
        b.ToTable("RankingSnapshots");
        b.Property(r => r.RequestKey).HasMaxLength(200);
        b.HasIndex(r => r.RequestKey).IsUnique();
        b.HasIndex(r => r.ComputedAt);
    }
}

internal sealed class RecurringSnapshotConfiguration : IEntityTypeConfiguration<RecurringSnapshotRow>
{
    public void Configure(EntityTypeBuilder<RecurringSnapshotRow> b)
    {
        b.ToTable("RecurringSnapshots");
        b.Property(r => r.Week).HasMaxLength(10);
        b.Property(r => r.RequestKey).HasMaxLength(200);
        b.HasIndex(r => r.RequestKey).IsUnique();
        b.HasIndex(r => new { r.Week, r.Id });
        b.HasIndex(r => r.RankingSnapshotId);
    }
}

internal sealed class CircularConfiguration : IEntityTypeConfiguration<CircularRow>
{
    public void Configure(EntityTypeBuilder<CircularRow> b)
    {
        b.ToTable("Circulars");
        b.Property(c => c.Kind).HasMaxLength(32);
        b.Property(c => c.Language).HasMaxLength(8);
        b.Property(c => c.Department).HasMaxLength(64);
        b.Property(c => c.LetterNumber).HasMaxLength(100);
        b.Property(c => c.RequestKey).HasMaxLength(200);
        b.Property(c => c.DeliveryClaim).HasMaxLength(200);
        // One circular of each kind, language and department per rendering step.
        b.HasIndex(c => new { c.RequestKey, c.Kind, c.Language, c.Department }).IsUnique();
        b.HasIndex(c => c.RankingSnapshotId);
    }
}

internal sealed class CircularTemplateConfiguration : IEntityTypeConfiguration<CircularTemplateRow>
{
    public void Configure(EntityTypeBuilder<CircularTemplateRow> b)
    {
        b.ToTable("CircularTemplates");
        b.Property(t => t.Name).HasMaxLength(64);
        b.Property(t => t.SavedBy).HasMaxLength(64);
        b.HasIndex(t => new { t.Name, t.Version }).IsUnique();
    }
}

/// <summary>One saved version of the scorecard (its JSON as the administrator sent it); the highest version is in force.</summary>
public sealed class ScorecardVersionRow
{
    public long Id { get; set; }
    public int Version { get; set; }
    public string Json { get; set; } = "";
    public DateTimeOffset SavedAt { get; set; }
    public string SavedBy { get; set; } = "";
    public string Note { get; set; } = "";
}

internal sealed class ScorecardVersionConfiguration : IEntityTypeConfiguration<ScorecardVersionRow>
{
    public void Configure(EntityTypeBuilder<ScorecardVersionRow> b)
    {
        b.ToTable("ScorecardVersions");
        b.Property(t => t.SavedBy).HasMaxLength(64);
        b.Property(t => t.Note).HasMaxLength(500);
        b.HasIndex(t => t.Version).IsUnique();
    }
}
