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

    /// <summary>
    /// The ISO week whose recurring complaints a circular reports: the one holding the middle of the period, so a
    /// Monday-to-Sunday week is itself and a preview for 1-7 December reports the week it mostly covers.
    /// </summary>
    public static IsoWeek WeekOf(RankingPeriod period) => IsoWeek.Of(period.From + (period.To - period.From) / 2);

    /// <summary>"23 November 2026 to 29 November 2026" / "23 नवम्बर 2026 से 29 नवम्बर 2026 तक".</summary>
    public static string PeriodWords(RankingPeriod period, string language)
    {
        var (first, last) = period.Days;
        return language == "hi"
            ? $"{DateWords(first, "hi")} से {DateWords(last, "hi")} तक"
            : $"{DateWords(first, "en")} to {DateWords(last, "en")}";
    }

    private static readonly string[] HindiMonths =
        ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितम्बर", "अक्टूबर", "नवम्बर", "दिसम्बर"];

    public static string DateWords(DateOnly d, string language) => language == "hi"
        ? $"{d.Day} {HindiMonths[d.Month - 1]} {d.Year}"
        : d.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public static string DateWords(DateTimeOffset instant, string language) =>
        DateWords(DateOnly.FromDateTime(Core.Cases.IndiaTime.ToIst(instant).DateTime), language);

    public static string Subject(string kind, string language, RankingPeriod period, DirectorySnapshot directory, string? department) => (kind, language) switch
    {
        (CircularKinds.StateRanking, "hi") => $"सीएम हेल्पलाइन शिकायतों के निस्तारण में विभागों की रैंकिंग, अवधि {PeriodWords(period, "hi")}",
        (CircularKinds.StateRanking, _) => $"Ranking of departments on the disposal of CM Helpline complaints, {PeriodWords(period, "en")}",
        (_, "hi") => $"{DepartmentName(directory, department!, "hi")} की समय-सीमा बीत चुकी शिकायतों का निस्तारण",
        _ => $"Disposal of complaints past their time limit: {DepartmentName(directory, department!, "en")}",
    };

    public static string LetterNumber(long snapshotId, RankingPeriod period, string? department) =>
        snapshotId == 0 ? "PREVIEW" : $"ITDA/CMHL/{period.Days.First:yyyy-MM-dd}/{snapshotId:D4}" + (department is null ? "" : "/" + department);

    public static ScriptObject StateRanking(Ranking ranking, IReadOnlyList<RecurringIssue> issues, DirectorySnapshot directory, Scorecard scorecard,
        string language, long snapshotId, DateTimeOffset issued, CircularLetterOptions letter)
    {
        var m = Common(directory, language, ranking.Period, issued, Subject(CircularKinds.StateRanking, language, ranking.Period, directory, null),
            LetterNumber(snapshotId, ranking.Period, null), letter);
        var calc = new RankingCalculator(scorecard);
        m["scorecard"] = E(scorecard.Name);
        m["scorecard_hi"] = E(scorecard.NameHi);
        m["scorecard_version"] = ranking.ScorecardVersion;
        m["pending_days"] = calc.PendingDays;
        m["idle_days"] = calc.NotAttendedDays;
        m["ranking_rule"] = language == "hi" ? RankingCalculator.RankingRuleHi : RankingCalculator.RankingRule;
        var rows = new ScriptArray();
        foreach (var r in ranking.Departments)
            rows.Add(Row(r, ranking.Departments.Count, directory, language));
        m["rows"] = rows;
        var byDistrict = new ScriptArray();
        foreach (var r in ranking.DepartmentDistricts)
        {
            var row = Row(r, ranking.DepartmentDistricts.Count, directory, language);
            var district = directory.DistrictsById.GetValueOrDefault(r.District ?? "");
            row["district_en"] = E(district?.Name ?? r.District ?? "");
            row["district_hi"] = E(district?.NameHi ?? r.District ?? "");
            byDistrict.Add(row);
        }
        m["district_rows"] = byDistrict;
        m["chart_svg"] = CircularChart.Bars(
            ranking.Departments.Select(r => new ChartBar(DepartmentName(directory, r.Department, language), r.Score, r.Grade)).ToList(),
            language == "hi" ? "विभागवार अंक (100 में से), सबसे कमज़ोर ऊपर" : "Score of each department (out of 100), weakest first");
        m["pending_total"] = ranking.State.Open;
        m["awaiting_total"] = ranking.State.AwaitingConfirmation;
        m["past_limit_total"] = ranking.State.PastLimit;
        m["not_satisfied_total"] = ranking.State.NotSatisfied;
        m["cs_review_total"] = ranking.State.ChiefSecretaryReview;
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
                ["reason_words"] = (i.Reason, language) switch
                {
                    ("similar", "hi") => $"मिलती-जुलती शिकायतें: {E(string.Join(", ", i.Keywords ?? []))}",
                    ("similar", _) => $"near-identical complaints: {E(string.Join(", ", i.Keywords ?? []))}",
                    ("threshold", "hi") => "साप्ताहिक सीमा पार",
                    ("threshold", _) => "over the weekly threshold",
                    (_, "hi") => "पिछले सप्ताहों से तीव्र वृद्धि",
                    _ => "a sharp rise over earlier weeks",
                },
                ["baseline"] = i.BaselineAverage,
                ["reason"] = i.Reason,
                ["keywords"] = new ScriptArray((i.Keywords ?? []).Select(E)),
                ["cases"] = new ScriptArray(i.SampleCaseNumbers.Select(E)),
            });
        }
        m["issues"] = list;
        return m;
    }

    public static ScriptObject HodOverdue(Ranking ranking, string department, IReadOnlyList<OverdueCase> overdue, long overdueTotal, DirectorySnapshot directory,
        string language, long snapshotId, DateTimeOffset issued, CircularLetterOptions letter)
    {
        var m = Common(directory, language, ranking.Period, issued, Subject(CircularKinds.HodOverdue, language, ranking.Period, directory, department),
            LetterNumber(snapshotId, ranking.Period, department), letter);
        var row = ranking.Departments.FirstOrDefault(r => r.Department == department);
        var hod = directory.Posts.FirstOrDefault(p => p.Department == department && p.HeadOfDepartment);
        m["department_en"] = E(DepartmentName(directory, department, "en"));
        m["department_hi"] = E(DepartmentName(directory, department, "hi"));
        m["hod_designation_en"] = E(hod?.Designation ?? "Head of Department");
        m["hod_designation_hi"] = E(hod?.DesignationHi ?? "विभागाध्यक्ष");
        m["rank"] = row?.Rank ?? 0;
        m["rank_of"] = ranking.Departments.Count;
        m["rank_words"] = row is null ? "–" : E(language == "hi"
            ? RankWords.Hindi(row.Rank, ranking.Departments.Count, row.SharedWith)
            : RankWords.English(row.Rank, ranking.Departments.Count, row.SharedWith));
        m["past_limit"] = row?.Counts.PastLimit ?? 0;
        m["cs_review"] = row?.Counts.ChiefSecretaryReview ?? 0;
        m["grade"] = row?.Grade ?? "–";
        m["score"] = row?.Score ?? 0;
        m["overdue_total"] = overdueTotal;
        var list = new ScriptArray();
        foreach (var c in overdue)
        {
            var category = directory.CategoriesById.GetValueOrDefault(c.Category);
            var district = directory.DistrictsById.GetValueOrDefault(c.District);
            var post = directory.FindPost(c.PostId);
            list.Add(new ScriptObject
            {
                ["number"] = E(c.Number),
                ["post_en"] = E(post?.Designation ?? c.PostId),
                ["post_hi"] = E(post?.DesignationHi ?? post?.Designation ?? c.PostId),
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

    private static ScriptObject Row(RankingRow r, int of, DirectorySnapshot directory, string language) => new()
    {
        ["rank"] = r.Rank,
        ["rank_words"] = E(language == "hi" ? RankWords.Hindi(r.Rank, of, r.SharedWith) : RankWords.English(r.Rank, of, r.SharedWith)),
        ["shared"] = r.SharedWith > 0,
        ["department"] = r.Department,
        ["department_en"] = E(DepartmentName(directory, r.Department, "en")),
        ["department_hi"] = E(DepartmentName(directory, r.Department, "hi")),
        ["grade"] = r.Grade,
        ["score"] = r.Score,
        ["peer_group"] = r.PeerGroup,
        ["active"] = r.Counts.Active,
        ["disposed"] = r.Counts.Disposed,
        ["satisfied_share"] = r.Counts.Disposed == 0 ? null : (double)r.Counts.SatisfiedClosed / r.Counts.Disposed,
        ["not_satisfied"] = r.Counts.NotSatisfied,
        ["pending"] = r.Counts.Open,
        ["awaiting"] = r.Counts.AwaitingConfirmation,
        ["pending_beyond"] = r.Counts.PendingBeyondDays,
        ["not_attended"] = r.Counts.NotAttended,
        ["past_limit"] = r.Counts.PastLimit,
        ["past_limit_7"] = r.Counts.PastLimitUpTo7Days,
        ["past_limit_30"] = r.Counts.PastLimit8To30Days,
        ["past_limit_over_30"] = r.Counts.PastLimitOver30Days,
        ["cs_review"] = r.Counts.ChiefSecretaryReview,
        ["force_closed"] = r.Counts.ForceClosed,
        ["special_under_review"] = r.Counts.SpecialCloseUnderReview,
    };

    private static ScriptObject Common(DirectorySnapshot directory, string language, RankingPeriod period, DateTimeOffset issued, string subject, string letterNumber,
        CircularLetterOptions letter) => new()
    {
        ["language"] = language,
        ["office"] = E(letter.Office),
        ["office_hi"] = E(letter.OfficeHi),
        ["signatory_name"] = E(language == "hi" && letter.SignatoryNameHi.Length > 0 ? letter.SignatoryNameHi : letter.SignatoryName),
        ["signatory_designation"] = E(language == "hi" ? letter.SignatoryDesignationHi : letter.SignatoryDesignation),
        ["letterhead_image"] = letter.LetterheadDataUri() ?? "",
        ["copy_to"] = new ScriptArray((language == "hi" ? letter.CopyToHi : letter.CopyTo).Select(E)),
        ["issued_words"] = E(DateWords(issued, language)),
        ["period_words"] = E(PeriodWords(period, language)),
        ["state"] = E(directory.State),
        ["state_hi"] = E(directory.StateHi),
        ["letter_number"] = E(letterNumber),
        ["issued"] = issued,
        ["subject"] = E(subject),
        ["period_from"] = period.From,
        // The period ends at Monday 00:00; its last day is the Sunday.
        ["period_to"] = period.To.AddTicks(-1),
        ["week"] = WeekOf(period).ToString(),
        ["week_words"] = E(PeriodWords(new RankingPeriod(WeekOf(period).Monday, WeekOf(period).Monday.AddDays(7)), language)),
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
