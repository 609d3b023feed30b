namespace CaseFlow.Core.Cases;

/// <summary>Resource names in the AIP-122 style: departments/{department}/cases/{number}.</summary>
public static class CaseNames
{
    public const string AnyDepartment = "-";

    public static string Format(string department, string number) => $"departments/{department}/cases/{number}";

    public static string FormatParent(string department) => $"departments/{department}";

    /// <summary>A post's name, departments/{department}/posts/{post}: how a system names the post it acts as.</summary>
    public static string FormatPost(string department, string post) => $"departments/{department}/posts/{post}";

    public static bool TryParse(string? name, out string department, out string number)
    {
        department = number = "";
        var parts = (name ?? "").Split('/');
        if (parts is not ["departments", { Length: > 0 } d, "cases", { Length: > 0 } n])
            return false;
        (department, number) = (d, n);
        return true;
    }

    public static bool TryParseParent(string? parent, out string department)
    {
        department = "";
        var parts = (parent ?? "").Split('/');
        if (parts is not ["departments", { Length: > 0 } d])
            return false;
        department = d;
        return true;
    }
}
