using System.Globalization;
using System.Text.RegularExpressions;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;

namespace CaseFlow.Core.Escalation;

/// <summary>
/// The placeholders a Notify message may use, filled from the case when the notice is sent. An administrator who writes
/// "{case}" means the case number, not the five characters: a placeholder that is not one of these is refused when the
/// definition is saved (<see cref="EscalationChainRule"/>), so nothing is sent with a brace in it.
/// </summary>
public static partial class NoticeText
{
    public static readonly IReadOnlyDictionary<string, string> Placeholders = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["case"] = "the case number",
        ["level"] = "the level the case is at (L1 to L4)",
        ["post"] = "the post that holds the case",
        ["department"] = "the department's name",
        ["district"] = "the district's name",
        ["category"] = "the complaint category",
        ["due"] = "when the current limit runs out (IST)",
    };

    [GeneratedRegex(@"\{([^{}\s]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>The placeholders of <paramref name="message"/> that are not known, in order, each once.</summary>
    public static IReadOnlyList<string> Unknown(string message) =>
        Placeholder().Matches(message).Select(m => m.Groups[1].Value).Where(p => !Placeholders.ContainsKey(p)).Distinct().ToList();

    public static string Fill(string message, Case c, DirectorySnapshot directory) => Placeholder().Replace(message, m => m.Groups[1].Value switch
    {
        "case" => c.Number,
        "level" => $"L{c.Level}",
        "post" => directory.FindPost(c.AssignedPostId)?.Designation ?? c.AssignedPostId,
        "department" => directory.DepartmentsById.TryGetValue(c.Department, out var d) ? d.Name : c.Department,
        "district" => directory.DistrictsById.TryGetValue(c.District, out var x) ? x.Name : c.District,
        "category" => directory.CategoriesById.TryGetValue(c.Category, out var k) ? k.Name : c.Category,
        "due" => c.DueAt is { } due ? IndiaTime.ToIst(due).ToString("d MMM yyyy HH:mm 'IST'", CultureInfo.InvariantCulture) : "no limit running",
        _ => m.Value,
    });
}
