using System.Globalization;
using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Ranking;

/// <summary>An ISO-8601 week (Monday first) of India Standard Time, e.g. 2026-W48.</summary>
public readonly record struct IsoWeek(int Year, int Week) : IComparable<IsoWeek>
{
    public static IsoWeek Of(DateTimeOffset instant)
    {
        var day = IndiaTime.ToIst(instant).DateTime;
        return new IsoWeek(ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day));
    }

    public DateTimeOffset Monday => new(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday), IndiaTime.Offset);

    public IsoWeek Previous(int weeks = 1) => Of(Monday.AddDays(-7 * weeks));

    public int CompareTo(IsoWeek other) => (Year, Week).CompareTo((other.Year, other.Week));

    public override string ToString() => $"{Year}-W{Week:00}";

    public static IsoWeek Parse(string text)
    {
        var parts = text.Split("-W");
        if (parts.Length != 2 || !int.TryParse(parts[0], out var y) || !int.TryParse(parts[1], out var w) || w < 1 || w > ISOWeek.GetWeeksInYear(y))
            throw Errors.CaseFlowException.Invalid("week", $"'{Cases.TextLimit.Echo(text)}' is not an ISO week like 2026-W48");
        return new IsoWeek(y, w);
    }
}

/// <summary>Complaints of one category from one district in one week.</summary>
public sealed record WeeklyCount(string Category, string District, IsoWeek Week, int Count);

/// <summary>
/// A complaint type that keeps coming: a defect in the system itself that its owning department must
/// identify and fix. Lists case numbers only, never anything about the complainants.
/// </summary>
public sealed record RecurringIssue(
    string Category,
    string District,
    string Department,
    IsoWeek Week,
    int Count,
    double BaselineAverage,
    string Reason,
    IReadOnlyList<string> SampleCaseNumbers,
    IReadOnlyList<string>? Keywords = null);

public sealed class RecurringDetector(RecurringSettings settings)
{
    /// <summary>
    /// Flags the category × district cells of <paramref name="week"/> that reach the threshold or rise to
    /// RiseFactor × the average of the BaselineWeeks before it, when enough of those weeks had complaints to make a
    /// baseline. Sorted by count, largest first.
    /// </summary>
    public IReadOnlyList<(WeeklyCount Cell, double Baseline, string Reason)> Detect(IEnumerable<WeeklyCount> counts, IsoWeek week)
    {
        var first = week.Previous(settings.BaselineWeeks);
        var byCell = counts.Where(c => c.Week.CompareTo(first) >= 0 && c.Week.CompareTo(week) <= 0)
            .GroupBy(c => (c.Category, c.District));
        var flagged = new List<(WeeklyCount, double, string)>();
        foreach (var cell in byCell)
        {
            var current = cell.Where(c => c.Week == week).Sum(c => c.Count);
            if (current == 0) continue;
            var before = cell.Where(c => c.Week != week && c.Count > 0).ToList();
            var baseline = (double)before.Sum(c => c.Count) / settings.BaselineWeeks;
            var weeksWithData = before.Select(c => c.Week).Distinct().Count();
            string? reason = null;
            if (current >= settings.Threshold)
                reason = "threshold";
            else if (current >= settings.MinimumForRise && weeksWithData >= settings.BaselineWeeksWithData && current >= settings.RiseFactor * baseline)
                reason = "rise";
            if (reason is not null)
                flagged.Add((new WeeklyCount(cell.Key.Category, cell.Key.District, week, current), Math.Round(baseline, 2), reason));
        }
        return flagged.OrderByDescending(f => f.Item1.Count).ThenBy(f => f.Item1.Category, StringComparer.Ordinal)
            .ThenBy(f => f.Item1.District, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The issues of a week from the database's weekly counts and the week's complaints: the flagged cells with a few case
    /// numbers each (the first by number; numbers only, nothing about the complainants) and the owning department (the
    /// category's, else the one most of those cases belong to), then the groups of near-identical complaints.
    /// </summary>
    public IReadOnlyList<RecurringIssue> Detect(IEnumerable<WeeklyCount> counts, IReadOnlyList<ComplaintText> complaints, IsoWeek week, Func<string, string?> departmentOfCategory)
    {
        var flagged = Detect(counts, week);
        var samples = flagged.Count == 0 ? [] : complaints.GroupBy(c => (c.Category, c.District))
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Number, StringComparer.Ordinal).Take(settings.SampleCases).ToList());
        var issues = flagged.Select(f =>
        {
            var sample = samples.GetValueOrDefault((f.Cell.Category, f.Cell.District)) ?? [];
            var owner = departmentOfCategory(f.Cell.Category)
                        ?? sample.GroupBy(c => c.Department).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? "";
            return new RecurringIssue(f.Cell.Category, f.Cell.District, owner, week, f.Cell.Count, f.Baseline, f.Reason, sample.Select(c => c.Number).ToList());
        }).ToList();
        issues.AddRange(SimilarComplaints.Group(complaints, week, settings));
        return issues;
    }

    /// <summary>The in-memory path over facts (habitual complainants' cases left out, as in the ranking).</summary>
    public IReadOnlyList<RecurringIssue> Detect(IReadOnlyCollection<CaseFact> facts, IsoWeek week, Func<string, string?> departmentOfCategory)
    {
        var counted = facts.Where(f => !f.Habitual).ToList();
        var counts = counted.GroupBy(f => (f.Category, f.District, Week: IsoWeek.Of(f.CreatedAt)))
            .Select(g => new WeeklyCount(g.Key.Category, g.Key.District, g.Key.Week, g.Count()));
        return Detect(counts, week).Select(f =>
        {
            var cases = counted.Where(c => c.Category == f.Cell.Category && c.District == f.Cell.District && IsoWeek.Of(c.CreatedAt) == week).ToList();
            var department = departmentOfCategory(f.Cell.Category)
                             ?? cases.GroupBy(c => c.Department).OrderByDescending(g => g.Count()).First().Key;
            return new RecurringIssue(f.Cell.Category, f.Cell.District, department, week, f.Cell.Count, f.Baseline, f.Reason,
                cases.Select(c => c.Number).Order(StringComparer.Ordinal).Take(settings.SampleCases).ToList());
        }).ToList();
    }
}
