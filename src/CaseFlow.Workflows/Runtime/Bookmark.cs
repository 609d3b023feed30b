namespace CaseFlow.Workflows.Runtime;

public enum BookmarkKind
{
    /// <summary>Waits for <c>(EventName, CorrelationId)</c>.</summary>
    Event,

    /// <summary>Waits until <c>DueAt</c>; resumes an instance.</summary>
    Timer,

    /// <summary>A published definition's schedule (Timer/Cron/StartAt trigger); starts a new instance at <c>DueAt</c>.</summary>
    Trigger,
}

/// <summary>
/// A wait, stored as a row. Timers and triggers are claimed by due time; event bookmarks are found by
/// <c>(EventName, CorrelationId)</c>. <see cref="InstanceId"/> is null only for triggers.
/// </summary>
/// <param name="Tag">Free text the creating activity reads back on resume (e.g. "warning" vs "breach").</param>
public sealed record Bookmark(
    string Id,
    BookmarkKind Kind,
    string? InstanceId,
    string DefinitionId,
    int DefinitionVersion,
    string ActivityId,
    string? EventName,
    string? CorrelationId,
    DateTimeOffset? DueAt,
    string? Tag,
    DateTimeOffset CreatedAt)
{
    public bool IsTimed => Kind is BookmarkKind.Timer or BookmarkKind.Trigger;
}
