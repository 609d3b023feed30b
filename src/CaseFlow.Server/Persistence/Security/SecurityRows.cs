using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CaseFlow.Server.Persistence.Security;

/// <summary>
/// A signed-in designer session. The cookie carries only the key; the ticket lives here, so signing out
/// deletes it and the old cookie stops working, on every replica.
/// </summary>
public sealed class DesignerSessionRow
{
    public string Key { get; set; } = "";
    public string User { get; set; } = "";
    public byte[] Ticket { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>The ASP.NET Core data-protection key ring (it encrypts the session cookies), shared by replicas.</summary>
public sealed class DataProtectionKeyRow
{
    public long Id { get; set; }
    public string? FriendlyName { get; set; }
    public string Xml { get; set; } = "";
}

internal sealed class DesignerSessionConfiguration : IEntityTypeConfiguration<DesignerSessionRow>
{
    public void Configure(EntityTypeBuilder<DesignerSessionRow> b)
    {
        b.ToTable("DesignerSessions");
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(64);
        b.Property(s => s.User).HasMaxLength(128);
        b.HasIndex(s => s.ExpiresAt);
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKeyRow>
{
    public void Configure(EntityTypeBuilder<DataProtectionKeyRow> b)
    {
        b.ToTable("DataProtectionKeys");
        b.HasKey(k => k.Id);
        b.Property(k => k.FriendlyName).HasMaxLength(128);
    }
}
