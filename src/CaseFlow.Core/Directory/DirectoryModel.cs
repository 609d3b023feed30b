namespace CaseFlow.Core.Directory;

public sealed record District(string Id, string Name, string NameHi, string Division);

public sealed record Department(string Id, string Name, string NameHi);

public sealed record SubCategory(string Id, string Name, string NameHi);

/// <summary>
/// A complaint category and the department it belongs to. <see cref="Workflow"/> names a different
/// escalation definition (e.g. an urgent one with limits in hours); null means the default.
/// </summary>
public sealed record Category(string Id, string Name, string NameHi, string Department,
    IReadOnlyList<SubCategory> SubCategories, string? Workflow = null);

/// <summary>
/// An officer post. L1 and L2 are per district; L3 (the Head of Department) and L4 (the Secretary)
/// serve the whole state, so their <see cref="District"/> is null.
/// </summary>
public sealed record Post(
    string Id,
    string Department,
    string? District,
    int Level,
    string Designation,
    string DesignationHi,
    string OfficerName,
    string Phone,
    string Email,
    bool HeadOfDepartment,
    DateTimeOffset UpdatedAt = default,
    /// <summary>The district's District Magistrate (in Uttarakhand the revenue department's L2 post): a notice can go to them.</summary>
    bool DistrictMagistrate = false)
{
    public const int MinLevel = 1;
    public const int MaxLevel = 4;

    public static bool IsStateLevel(int level) => level >= 3;
}

/// <summary>A controlled reason for closing a complaint as not actionable (policy matter, sub-judice, ...).</summary>
public sealed record SpecialCloseReason(string Code, string Name, string NameHi);
