using CaseFlow.Core.Cases;
using CaseFlow.Core.Ranking;

namespace CaseFlow.Core.Tests;

public sealed class RecurringTests
{
    private static readonly RecurringSettings Settings = new() { Threshold = 25, RiseFactor = 2.0, MinimumForRise = 5, BaselineWeeks = 4, SampleCases = 3 };
    private static readonly IsoWeek Week48 = new(2026, 48);

    private static WeeklyCount C(string category, string district, int week, int count) => new(category, district, new IsoWeek(2026, week), count);

    [Test]
    public void A_week_at_the_threshold_or_twice_the_previous_average_is_a_systemic_issue()
    {
        var series = new[]
        {
            // steady at 30 a week: over the threshold, flagged although it does not rise
            C("power-supply", "dehradun", 44, 30), C("power-supply", "dehradun", 45, 30), C("power-supply", "dehradun", 46, 30), C("power-supply", "dehradun", 47, 30), C("power-supply", "dehradun", 48, 30),
            // average 3 over weeks 44-47 (12 / 4), now 6: exactly 2 x -> flagged as a rise
            C("water-supply", "haridwar", 44, 3), C("water-supply", "haridwar", 45, 3), C("water-supply", "haridwar", 46, 3), C("water-supply", "haridwar", 47, 3), C("water-supply", "haridwar", 48, 6),
            // average 3, now 5: below 2 x -> not flagged
            C("roads", "almora", 44, 3), C("roads", "almora", 45, 3), C("roads", "almora", 46, 3), C("roads", "almora", 47, 3), C("roads", "almora", 48, 5),
            // new this week but only 4: under the minimum for a rise -> not flagged
            C("ration", "nainital", 48, 4),
            // 8 over a baseline of nothing: a rise over zero is news, not a pattern -> not flagged
            C("forest", "pauri", 48, 8),
            // one earlier week of data only (2 needed): not a baseline -> not flagged
            C("transport", "tehri", 46, 1), C("transport", "tehri", 48, 9),
            // 24 every week, just under the threshold and not rising -> not flagged (missing weeks count as 0 in the average)
            C("pension", "dehradun", 44, 24), C("pension", "dehradun", 45, 24), C("pension", "dehradun", 46, 24), C("pension", "dehradun", 47, 24), C("pension", "dehradun", 48, 24),
            // a spike in week 43 is outside the 4-week baseline; week 44-47 average 1 (two weeks with data), now 5 -> flagged
            C("school", "chamoli", 43, 100), C("school", "chamoli", 46, 2), C("school", "chamoli", 47, 2), C("school", "chamoli", 48, 5),
        };
        var flagged = new RecurringDetector(Settings).Detect(series, Week48);

        Assert.That(flagged.Select(f => (f.Cell.Category, f.Cell.District, f.Cell.Count, f.Reason)), Is.EqualTo(new[]
        {
            ("power-supply", "dehradun", 30, "threshold"),
            ("water-supply", "haridwar", 6, "rise"),
            ("school", "chamoli", 5, "rise"),
        }));
        Assert.That(flagged[1].Baseline, Is.EqualTo(3.0));
        Assert.That(flagged[2].Baseline, Is.EqualTo(1.0));
    }

    [Test]
    public void Issues_from_facts_name_the_owning_department_and_a_few_case_numbers_only()
    {
        var monday = Week48.Monday;
        CaseFact Open(string number, DateTimeOffset created, bool habitual) =>
            CaseHistory.AsOf(new CaseRecord(number, "dehradun", "power-supply", created, habitual, false),
                [new CaseEvent { Type = CaseEventType.Registered, At = created, Department = "energy", Status = CaseStatus.Registered, Level = 1 }], monday.AddDays(7));
        var facts = Enumerable.Range(1, 26).Select(i => Open($"UK-2026-{i:000000}", monday.AddHours(i), habitual: i == 26))
            .Append(Open("UK-2026-000900", monday.AddDays(-1), false))
            .ToList();
        var issues = new RecurringDetector(Settings).Detect(facts, Week48, category => category == "power-supply" ? "energy" : null);

        // 25 in the week (the habitual one is left out) reaches the threshold; the Sunday before belongs to week 47.
        var issue = issues.Single();
        Assert.That((issue.Category, issue.District, issue.Department, issue.Count), Is.EqualTo(("power-supply", "dehradun", "energy", 25)));
        Assert.That(issue.SampleCaseNumbers, Is.EqualTo(new[] { "UK-2026-000001", "UK-2026-000002", "UK-2026-000003" }));
        Assert.That(issue.BaselineAverage, Is.EqualTo(0.25));
    }

    [Test]
    public void Iso_weeks_are_counted_in_IST()
    {
        // Sunday 29 November 2026, 23:00 IST = 17:30 UTC: still week 48. Monday 00:10 IST = Sunday 18:40 UTC: week 49.
        Assert.That(IsoWeek.Of(new DateTimeOffset(2026, 11, 29, 17, 30, 0, TimeSpan.Zero)), Is.EqualTo(new IsoWeek(2026, 48)));
        Assert.That(IsoWeek.Of(new DateTimeOffset(2026, 11, 29, 18, 40, 0, TimeSpan.Zero)), Is.EqualTo(new IsoWeek(2026, 49)));
        Assert.That(IsoWeek.Parse("2026-W48").Monday, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 0, 0, 0, IndiaTime.Offset)));
        Assert.That(new IsoWeek(2026, 1).Previous(), Is.EqualTo(new IsoWeek(2025, 52)));
    }
}
