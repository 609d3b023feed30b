namespace CaseFlow.Server.Persistence;

/// <summary>A request id a calling system has used, and the case it produced.</summary>
public sealed class RequestRecord
{
    public string System { get; set; } = "";
    public string RequestId { get; set; } = "";
    public string Method { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string CaseNumber { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>The last number handed out in a case-number series such as "UK-2026".</summary>
public sealed class CaseNumberSeries
{
    public string Prefix { get; set; } = "";
    public long Last { get; set; }
}

/// <summary>
/// The directory is a small document (a few hundred posts) changed a few times a week, so every change
/// stores a whole new version: the history is complete and loading is one row.
/// </summary>
public sealed class DirectoryVersion
{
    public long Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string Json { get; set; } = "";
}

/// <summary>Audit of the "changes within a week" order: who put which officer in which post, and why.</summary>
public sealed class PostChange
{
    public long Id { get; set; }
    public string Department { get; set; } = "";
    public string PostId { get; set; } = "";
    public int Level { get; set; }
    public string? District { get; set; }
    public string ChangedBy { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string? PreviousOfficerName { get; set; }
    public string NewOfficerName { get; set; } = "";
    public string? PreviousDesignation { get; set; }
    public string NewDesignation { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? RequestId { get; set; }
}

/// <summary>A phone number the nodal agency flagged: its complaints are worked but kept out of rankings.</summary>
public sealed class HabitualComplainant
{
    public string Phone { get; set; } = "";
    public string Reason { get; set; } = "";
    public string FlaggedBy { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>A working-day calendar (weekly offs, holidays) as a versioned document, like the directory.</summary>
public sealed class CalendarVersion
{
    public long Id { get; set; }
    public string CalendarId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string Json { get; set; } = "";
}

/// <summary>
/// A server process sharing the database, as its health probe last wrote it: the probe is a real write through
/// the writer, so a replica that can still commit keeps its row fresh.
/// </summary>
public sealed class ReplicaRow
{
    public string Id { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset SeenAt { get; set; }
}
