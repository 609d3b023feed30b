using CaseFlow.Core.Calendars;

namespace CaseFlow.Core.Tests;

public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Uttarakhand =
        WorkingCalendar.Parse(File.ReadAllText(Path.Combine(TestDirectory.RepoRoot, "seed", "calendars", "uttarakhand.json")));

    private static DateTimeOffset Ist(int y, int m, int d, int h = 10) => new(y, m, d, h, 0, 0, TimeSpan.FromMinutes(330));

    [TestCase(2026, 11, 8, false, TestName = "Sunday (and Diwali)")]
    [TestCase(2026, 11, 14, false, TestName = "Second Saturday")]
    [TestCase(2026, 11, 7, true, TestName = "First Saturday")]
    [TestCase(2026, 11, 21, true, TestName = "Third Saturday")]
    [TestCase(2026, 11, 10, false, TestName = "Govardhan Puja")]
    [TestCase(2026, 11, 12, true, TestName = "An ordinary Thursday")]
    public void Knows_working_days(int y, int m, int d, bool working) =>
        Assert.That(Uttarakhand.IsWorkingDay(new DateOnly(y, m, d)), Is.EqualTo(working));

    [Test]
    public void Working_days_skip_weekly_offs_second_Saturdays_and_holidays_keeping_the_time_of_day()
    {
        // Friday 6 Nov 10:00 + 7: 7, 9, 12, 13, 16, 17, 18 (8 Sun, 10/11 holidays, 14 second Saturday, 15 Sun).
        Assert.That(Uttarakhand.AddWorkingDays(Ist(2026, 11, 6), 7), Is.EqualTo(Ist(2026, 11, 18)));
        Assert.That(Uttarakhand.AddWorkingDays(Ist(2026, 11, 6), 0), Is.EqualTo(Ist(2026, 11, 6)));
    }

    [Test]
    public void Days_are_counted_in_India_whatever_the_UTC_date()
    {
        // 20:00 UTC on Saturday 7 Nov is 01:30 on Sunday 8 Nov in India: the next working day is Monday 9th.
        var lateSaturdayUtc = new DateTimeOffset(2026, 11, 7, 20, 0, 0, TimeSpan.Zero);
        Assert.That(Uttarakhand.AddWorkingDays(lateSaturdayUtc, 1), Is.EqualTo(new DateTimeOffset(2026, 11, 9, 1, 30, 0, TimeSpan.FromMinutes(330))));
    }

    [Test]
    public void An_added_holiday_moves_new_due_times_and_round_trips()
    {
        var extra = Uttarakhand.WithHoliday(new Holiday(new DateOnly(2026, 11, 12), "State mourning", "राजकीय शोक"));
        Assert.That(extra.AddWorkingDays(Ist(2026, 11, 6), 7), Is.EqualTo(Ist(2026, 11, 19)));
        var reread = WorkingCalendar.Parse(extra.Serialize());
        Assert.That(reread.Holidays, Has.Count.EqualTo(Uttarakhand.Holidays.Count + 1));
        Assert.That(reread.IsWorkingDay(new DateOnly(2026, 11, 12)), Is.False);
    }
}
