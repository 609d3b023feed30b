using System.Net;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Ranking;
using Scriban.Runtime;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// What the templates see: plain values with both languages' names side by side, HTML-escaped here so a
/// template never has to remember to. Case numbers are the only case data; nothing about complainants.
/// </summary>
public static class CircularModels
{
    /// <summary>How long departments get for the disposal campaign the circular orders.</summary>
    public static readonly TimeSpan CampaignLength = TimeSpan.FromDays(14);

    public static IsoWeek WeekOf(RankingPeriod period) => IsoWeek.Of(period.To.AddTicks(-1));

    public static string Subject(string kind, string language, RankingPeriod period, DirectorySnapshot directory, string? department) => (kind, language) switch
    {
        (CircularKinds.StateRanking, "hi") => $"सीएम हेल्पलाइन शिकायतों पर विभागों की साप्ताहिक रैंकिंग, सप्ताह {WeekOf(period)}",
        (CircularKinds.StateRanking, _) => $"Weekly ranking of departments on CM Helpline complaints, week {WeekOf(period)}",
        (_, "hi") => $"समय-सीमा से बाहर शिकायतें: {DepartmentName(directory, department!, "hi")}",
        _ => $"Complaints past their time limit: {DepartmentName(directory, department!, "en")}",
    };

    public static string LetterNumber(long snapshotId, RankingPeriod period, string? department) =>
        snapshotId == 0 ? "PREVIEW" : $"ITDA/CMHL/{WeekOf(period)}/{snapshotId:D4}" + (department is null ? "" : "/" + department);

    public static ScriptObject StateRanking(Ranking ranking, IReadOnlyList<RecurringIssue> issues, DirectorySnapshot directory, Scorecard scorecard,
        string language, long snapshotId, DateTimeOffset issued)
    {
        var m = Common(directory, language, ranking.Period, issued, Subject(CircularKinds.StateRanking, language, ranking.Period, directory, null),
            LetterNumber(snapshotId, ranking.Period, null));
        var calc = new RankingCalculator(scorecard);
        m["scorecard"] = E(scorecard.Name);
        m["scorecard_hi"] = E(scorecard.NameHi);
        m["scorecard_version"] = ranking.ScorecardVersion;
        m["pending_days"] = calc.PendingDays;
        m["idle_days"] = calc.NotAttendedDays;
        var rows = new ScriptArray();
        foreach (var r in ranking.Departments)
        {
            var row = new ScriptObject
            {
                ["rank"] = r.Rank,
                ["department"] = r.Department,
                ["department_en"] = E(DepartmentName(directory, r.Department, "en")),
                ["department_hi"] = E(DepartmentName(directory, r.Department, "hi")),
                ["grade"] = r.Grade,
                ["score"] = r.Score,
                ["peer_group"] = r.PeerGroup,
                ["active"] = r.Counts.Active,
                ["disposed"] = r.Counts.Disposed,
                ["satisfied_share"] = r.Counts.Disposed == 0 ? null : (double)r.Counts.SatisfiedClosed / r.Counts.Disposed,
                ["pending_beyond"] = r.Counts.PendingBeyondDays,
                ["not_attended"] = r.Counts.NotAttended,
                ["force_closed"] = r.Counts.ForceClosed,
                ["special_under_review"] = r.Counts.SpecialCloseUnderReview,
            };
            rows.Add(row);
        }
        m["rows"] = rows;
        m["special_under_review"] = ranking.State.SpecialCloseUnderReview;
        m["special_closed"] = ranking.State.SpecialClosed;
        m["total_active"] = ranking.State.Active;
        m["total_disposed"] = ranking.State.Disposed;
        var list = new ScriptArray();
        foreach (var i in issues)
        {
            var category = directory.CategoriesById.GetValueOrDefault(i.Category);
            var district = directory.DistrictsById.GetValueOrDefault(i.District);
            list.Add(new ScriptObject
            {
                ["category_en"] = E(category?.Name ?? i.Category),
                ["category_hi"] = E(category?.NameHi ?? i.Category),
                ["district_en"] = E(district?.Name ?? i.District),
                ["district_hi"] = E(district?.NameHi ?? i.District),
                ["department_en"] = E(DepartmentName(directory, i.Department, "en")),
                ["department_hi"] = E(DepartmentName(directory, i.Department, "hi")),
                ["count"] = i.Count,
                ["baseline"] = i.BaselineAverage,
                ["reason"] = i.Reason,
                ["cases"] = new ScriptArray(i.SampleCaseNumbers.Select(E)),
            });
        }
        m["issues"] = list;
        return m;
    }

    public static ScriptObject HodOverdue(Ranking ranking, string department, IReadOnlyList<OverdueCase> overdue, long overdueTotal, DirectorySnapshot directory,
        string language, long snapshotId, DateTimeOffset issued)
    {
        var m = Common(directory, language, ranking.Period, issued, Subject(CircularKinds.HodOverdue, language, ranking.Period, directory, department),
            LetterNumber(snapshotId, ranking.Period, department));
        var row = ranking.Departments.FirstOrDefault(r => r.Department == department);
        var hod = directory.Posts.FirstOrDefault(p => p.Department == department && p.HeadOfDepartment);
        m["department_en"] = E(DepartmentName(directory, department, "en"));
        m["department_hi"] = E(DepartmentName(directory, department, "hi"));
        m["hod_designation_en"] = E(hod?.Designation ?? "Head of Department");
        m["hod_designation_hi"] = E(hod?.DesignationHi ?? "विभागाध्यक्ष");
        m["rank"] = row?.Rank ?? 0;
        m["rank_of"] = ranking.Departments.Count;
        m["grade"] = row?.Grade ?? "–";
        m["score"] = row?.Score ?? 0;
        m["overdue_total"] = overdueTotal;
        var list = new ScriptArray();
        foreach (var c in overdue)
        {
            var category = directory.CategoriesById.GetValueOrDefault(c.Category);
            var district = directory.DistrictsById.GetValueOrDefault(c.District);
            list.Add(new ScriptObject
            {
                ["number"] = E(c.Number),
                ["district_en"] = E(district?.Name ?? c.District),
                ["district_hi"] = E(district?.NameHi ?? c.District),
                ["category_en"] = E(category?.Name ?? c.Category),
                ["category_hi"] = E(category?.NameHi ?? c.Category),
                ["level"] = c.Level,
                ["due_at"] = c.MissedLimitAt,
                ["days_overdue"] = (long)Math.Floor((issued - c.MissedLimitAt).TotalDays),
            });
        }
        m["overdue"] = list;
        return m;
    }

    /// <summary>Officers who receive the state-wide circular: every Head of Department.</summary>
    public static IReadOnlyList<string> StateRecipients(DirectorySnapshot directory) =>
        directory.Posts.Where(p => p.HeadOfDepartment && !string.IsNullOrWhiteSpace(p.Email)).Select(p => p.Email).Distinct().Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<string> HodRecipients(DirectorySnapshot directory, string department) =>
        directory.Posts.Where(p => p.Department == department && p.HeadOfDepartment && !string.IsNullOrWhiteSpace(p.Email)).Select(p => p.Email).Distinct().ToList();

    private static ScriptObject Common(DirectorySnapshot directory, string language, RankingPeriod period, DateTimeOffset issued, string subject, string letterNumber) => new()
    {
        ["language"] = language,
        ["state"] = E(directory.State),
        ["state_hi"] = E(directory.StateHi),
        ["letter_number"] = E(letterNumber),
        ["issued"] = issued,
        ["subject"] = E(subject),
        ["period_from"] = period.From,
        // The period ends at Monday 00:00; its last day is the Sunday.
        ["period_to"] = period.To.AddTicks(-1),
        ["week"] = WeekOf(period).ToString(),
        ["campaign_until"] = issued + CampaignLength,
    };

    private static string DepartmentName(DirectorySnapshot directory, string id, string language) =>
        directory.DepartmentsById.TryGetValue(id, out var d) ? (language == "hi" ? d.NameHi : d.Name) : id;

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

public static class CircularKinds
{
    public const string StateRanking = "state-ranking";
    public const string HodOverdue = "hod-overdue";

    public static string TemplateName(string kind, string language) => (kind == StateRanking ? "ranking" : "hod-overdue") + "." + language;
}
