using CaseFlow.Core.Cases;
using CaseFlow.Core.Ranking;

namespace CaseFlow.Core.Tests;

/// <summary>The shipped scorecard on a small data set computed by hand (numbers in the comments).</summary>
public sealed class RankingTests
{
    // Monday 16 to Monday 23 November 2026, IST.
    private static readonly RankingPeriod Week = new(new DateTimeOffset(2026, 11, 16, 0, 0, 0, IndiaTime.Offset), new DateTimeOffset(2026, 11, 23, 0, 0, 0, IndiaTime.Offset));
    private static DateTimeOffset DaysBeforeEnd(double days) => Week.To.AddDays(-days);

    private static Scorecard Shipped() => Scorecard.Load(Path.Combine(TestDirectory.RepoRoot, "seed", "scorecard.json"));

    private static CaseFact Fact(string number, string department, string district, CaseStatus status, double createdDaysAgo,
        double? lastActionDaysAgo = null, double? resolvedDaysAgo = null, double? closedDaysAgo = null, bool? satisfied = null,
        bool unanswered = false, int reopens = 0, SpecialCloseReview review = SpecialCloseReview.None, bool habitual = false, bool breached = false) =>
        new(number, department, district, "power-supply", status, DaysBeforeEnd(createdDaysAgo), DaysBeforeEnd(lastActionDaysAgo ?? createdDaysAgo),
            resolvedDaysAgo is { } r ? DaysBeforeEnd(r) : null, closedDaysAgo is { } c ? DaysBeforeEnd(c) : null, satisfied, unanswered,
            reopens, review, habitual, breached);

    private static List<CaseFact> DataSet() =>
    [
        // energy / dehradun: disposed 3 (E1, E2, E3), satisfied 2; open 2 (E4, E5)
        Fact("E1", "energy", "dehradun", CaseStatus.Closed, 10, resolvedDaysAgo: 3, closedDaysAgo: 2, satisfied: true),
        Fact("E2", "energy", "dehradun", CaseStatus.Closed, 30, resolvedDaysAgo: 4, closedDaysAgo: 3, satisfied: true, reopens: 1, breached: true),
        Fact("E3", "energy", "dehradun", CaseStatus.Resolved, 20, resolvedDaysAgo: 5, unanswered: true),
        Fact("E4", "energy", "dehradun", CaseStatus.InProgress, 60, lastActionDaysAgo: 1),
        Fact("E5", "energy", "dehradun", CaseStatus.Reopened, 20, lastActionDaysAgo: 8),
        // habitual: would drag energy down, but is left out
        Fact("E6", "energy", "dehradun", CaseStatus.Closed, 10, resolvedDaysAgo: 3, closedDaysAgo: 2, satisfied: false, habitual: true),
        // closed before the period: neither disposed nor open
        Fact("E7", "energy", "dehradun", CaseStatus.Closed, 40, resolvedDaysAgo: 20, closedDaysAgo: 19, satisfied: true),
        // drinking-water / haridwar: disposed 2 (W1 force closed, W2 special closed), open 1 (W3)
        Fact("W1", "drinking-water", "haridwar", CaseStatus.ForceClosed, 12, closedDaysAgo: 1),
        Fact("W2", "drinking-water", "haridwar", CaseStatus.SpecialClosed, 9, closedDaysAgo: 2, review: SpecialCloseReview.Pending),
        Fact("W3", "drinking-water", "haridwar", CaseStatus.InProgress, 2, lastActionDaysAgo: 1),
    ];

    [Test]
    public void The_shipped_scorecard_is_the_MP_grading_60_20_10_10_with_reported_only_indicators()
    {
        var card = Shipped();
        Assert.That(card.Indicators.Where(i => i.Weight > 0).Select(i => (i.Measure, i.Weight)), Is.EqualTo(new[]
        {
            (Measure.SatisfiedClosureShare, 60.0), (Measure.PendingBeyondDaysShare, 20.0), (Measure.PoorQualityClosureShare, 10.0), (Measure.NotAttendedShare, 10.0),
        }));
        Assert.That(card.Find(Measure.PendingBeyondDaysShare)!.Days, Is.EqualTo(50));
        Assert.That(card.Indicators.Where(i => i.Weight == 0).Select(i => i.Measure), Is.SupersetOf(new[]
        {
            Measure.DisposedWithinLimitShare, Measure.SpecialClosedShare, Measure.ReopenedShare, Measure.AverageDaysToDisposal, Measure.ForceClosedCount,
        }));
    }

    [Test]
    public void Scores_and_grades_match_the_hand_computed_values_worst_first()
    {
        var ranking = new RankingCalculator(Shipped()).Compute(DataSet(), Week, Week.To);

        Assert.That(ranking.Departments.Select(r => r.Department), Is.EqualTo(new[] { "drinking-water", "energy" }), "worst first");
        var water = ranking.Departments[0];
        // satisfied 0/2 -> 0; pending 0/1 -> 20; poor quality 1/2 -> 5; not attended 0/1 -> 10
        Assert.That(water.Score, Is.EqualTo(35.0));
        Assert.That(water.Grade, Is.EqualTo("D"));
        Assert.That(water.Rank, Is.EqualTo(1));
        Assert.That(Value(water, "force-closed"), Is.EqualTo(1), "force closes are counted apart");
        Assert.That(Value(water, "special-closed"), Is.EqualTo(0.5));
        Assert.That(water.Counts.SpecialCloseUnderReview, Is.EqualTo(1));

        var energy = ranking.Departments[1];
        // satisfied 2/3 -> 40; pending 1/2 -> 10; poor quality 1/3 -> 6.667; not attended 1/2 -> 5; total 61.67
        Assert.That(energy.Score, Is.EqualTo(61.67));
        Assert.That(energy.Grade, Is.EqualTo("B"));
        Assert.That(energy.Counts.Disposed, Is.EqualTo(3), "the unanswered resolved case counts as disposed, the habitual one not at all");
        Assert.That(Value(energy, "satisfied-closure"), Is.EqualTo(0.6667), "unanswered feedback is not satisfied");
        Assert.That(Value(energy, "pending-over-50-days"), Is.EqualTo(0.5));
        Assert.That(Value(energy, "not-attended"), Is.EqualTo(0.5));
        Assert.That(Value(energy, "disposed-within-limit"), Is.EqualTo(0.6667), "E2 breached a limit");
        // (3 - 10) + (4 - 30) + (5 - 20) => 7 + 26 + 15 = 48 days over 3 disposals
        Assert.That(Value(energy, "average-days-to-disposal"), Is.EqualTo(16.0));
        Assert.That(energy.Indicators.Single(i => i.Id == "reopened").Numerator, Is.EqualTo(1));
        Assert.That(energy.PeerGroup, Is.EqualTo("small"));

        Assert.That(ranking.DepartmentDistricts.Select(r => (r.Department, r.District)),
            Is.EqualTo(new[] { ("drinking-water", (string?)"haridwar"), ("energy", (string?)"dehradun") }));
        Assert.That(ranking.State.Disposed, Is.EqualTo(5));
    }

    [Test]
    public void Habitual_complaints_are_left_out_entirely()
    {
        var card = Shipped();
        var withHabitual = new RankingCalculator(card).Compute(DataSet(), Week, Week.To);
        var without = new RankingCalculator(card).Compute(DataSet().Where(f => f.Number != "E6"), Week, Week.To);
        Assert.That(withHabitual.Departments.Select(r => (r.Score, r.Counts)), Is.EqualTo(without.Departments.Select(r => (r.Score, r.Counts))));

        var flipped = new RankingCalculator(card).Compute(DataSet().Select(f => f.Number == "E6" ? f with { Habitual = false } : f), Week, Week.To);
        Assert.That(flipped.Departments.Single(r => r.Department == "energy").Score, Is.LessThan(61.67), "the same case, not habitual, lowers the score");
    }

    [Test]
    public void An_indicator_with_nothing_to_measure_drops_out_and_the_rest_is_rescaled()
    {
        // Only open cases: no disposals, so satisfied and poor-quality shares have no denominator.
        var ranking = new RankingCalculator(Shipped()).Compute(
            [Fact("X1", "energy", "dehradun", CaseStatus.InProgress, 60, lastActionDaysAgo: 1), Fact("X2", "energy", "dehradun", CaseStatus.InProgress, 3, lastActionDaysAgo: 1)],
            Week, Week.To);
        // pending 1/2 -> 10 of 20; not attended 0/2 -> 10 of 10; 20 of 30 = 66.67
        Assert.That(ranking.Departments.Single().Score, Is.EqualTo(66.67));
        Assert.That(Value(ranking.Departments.Single(), "satisfied-closure"), Is.Null);
    }

    [TestCase(100, "A")]
    [TestCase(80, "A")]
    [TestCase(79.99, "B")]
    [TestCase(60, "B")]
    [TestCase(40, "C")]
    [TestCase(39.99, "D")]
    [TestCase(0, "D")]
    public void Grade_bands(double score, string grade) => Assert.That(Shipped().GradeFor(score), Is.EqualTo(grade));

    [Test]
    public void Peer_groups_by_volume()
    {
        var card = Shipped();
        Assert.That(new[] { 0L, 100, 101, 1000, 1001 }.Select(card.PeerGroupFor), Is.EqualTo(new[] { "small", "small", "medium", "medium", "large" }));
    }

    [Test]
    public void A_scorecard_with_bad_bands_or_weights_is_refused_with_the_reason()
    {
        var json = File.ReadAllText(Path.Combine(TestDirectory.RepoRoot, "seed", "scorecard.json"));
        var e = Assert.Throws<ScorecardException>(() => Scorecard.Parse(json.Replace("\"minScore\": 60", "\"minScore\": 90")));
        Assert.That(e!.Message, Does.Contain("grade bands must be listed best first"));
        e = Assert.Throws<ScorecardException>(() => Scorecard.Parse(json.Replace("\"days\": 50,", "")));
        Assert.That(e!.Message, Does.Contain("pending-over-50-days"));
    }

    [Test]
    public void The_weekly_period_is_the_previous_Monday_to_Monday_in_IST()
    {
        // Monday 23 November 2026, 09:00 IST
        var p = RankingPeriod.WeekBefore(new DateTimeOffset(2026, 11, 23, 3, 30, 0, TimeSpan.Zero));
        Assert.That(p, Is.EqualTo(Week));
    }

    private static double? Value(RankingRow row, string id) => row.Indicators.Single(i => i.Id == id).Value;
}
