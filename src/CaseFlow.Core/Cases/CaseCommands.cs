using CaseFlow.Core.Access;

namespace CaseFlow.Core.Cases;

/// <summary>
/// Makes a call idempotent per calling system. The fingerprint is a hash of the request without its
/// request id, so a reused id with a different request is refused instead of silently answered.
/// </summary>
public sealed record RequestKey(string System, string RequestId, string Method, string Fingerprint);

public sealed record NewComplainant(string Name, string Phone, string? Email, string? Address, string District, string? PreferredLanguage);

public sealed record NewCase(
    string? RequestId,
    NewComplainant Complainant,
    Channel? Channel,
    string Category,
    string? SubCategory,
    string Description,
    IReadOnlyList<Attachment> Attachments,
    string? District);

public sealed record CaseQuery(
    string? Department,
    IReadOnlySet<string>? AllowedDepartments,
    string? District,
    CaseStatus? Status,
    int? Level,
    string? Category,
    DateTimeOffset? CreatedAfter,
    DateTimeOffset? CreatedBefore,
    long AfterId,
    int PageSize,
    bool ReviewPendingOnly = false,
    // Any of these states (Open311's "open" and "closed" are each several); combines with Status.
    IReadOnlySet<CaseStatus>? AnyStatus = null);

public sealed record CasePage(IReadOnlyList<Case> Cases, long? LastId);

/// <summary>Who is acting: the authenticated system and, optionally, the officer post it acts for.</summary>
public sealed record Actor(Caller Caller, string? PostId);
