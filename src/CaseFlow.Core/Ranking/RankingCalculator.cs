namespace CaseFlow.Core.Ranking;

public sealed record IndicatorValue(string Id, Measure Measure, double? Value, long Numerator, long Denominator, double Weight, double? Points);

/// <summary>One line of the ranking: a department, or a department in one district.</summary>
/// <param name="Rank">1 is the best; equal scores share a rank (see <see cref="RankingCalculator.RankingRule"/>).</param>
/// <param name="SharedWith">How many other rows have the same rank.</param>
public sealed record RankingRow(
    string Department,
    string? District,
    double Score,
    string Grade,
    string PeerGroup,
    int Rank,
    RankingCounts Counts,
    IReadOnlyList<IndicatorValue> Indicators,
    int SharedWith = 0);

/// <summary>An immutable result: both lists sorted worst first (lowest score first, and among equal scores the most
/// cases past their time limit first).</summary>
public sealed record Ranking(
    RankingPeriod Period,
    DateTimeOffset ComputedAt,
    int ScorecardVersion,
    IReadOnlyList<RankingRow> Departments,
    IReadOnlyList<RankingRow> DepartmentDistricts,
    RankingCounts State);

/// <summary>Pure arithmetic from counts to scores and grades; no storage, no clock.</summary>
public sealed class RankingCalculator(Scorecard scorecard)
{
    public Scorecard Scorecard => scorecard;

    public int PendingDays => scorecard.Find(Measure.PendingBeyondDaysShare)?.Days ?? 50;

    public int NotAttendedDays => scorecard.Find(Measure.NotAttendedShare)?.Days ?? 7;

    /// <summary>The in-memory path: folds facts into counts per department × district, then ranks.</summary>
    public Ranking Compute(IEnumerable<CaseFact> facts, RankingPeriod period, DateTimeOffset computedAt)
    {
        var counts = new Dictionary<(string, string), RankingCounts>();
        foreach (var fact in facts)
        {
            var add = RankingCounts.Of(fact, period, PendingDays, NotAttendedDays);
            if (add == RankingCounts.Zero) continue;
            var key = (fact.Department, fact.District);
            counts[key] = counts.TryGetValue(key, out var sum) ? sum + add : add;
        }
        return Rank(counts.Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Value)), period, computedAt);
    }

    /// <summary>Ranks counts already aggregated per department × district (by the database).</summary>
    public Ranking Rank(IEnumerable<(string Department, string District, RankingCounts Counts)> byDistrict, RankingPeriod period, DateTimeOffset computedAt)
    {
        var cells = byDistrict.ToList();
        var districts = cells.Select(c => Row(c.Department, c.District, c.Counts)).ToList();
        var departments = cells.GroupBy(c => c.Department, StringComparer.Ordinal)
            .Select(g => Row(g.Key, null, g.Aggregate(RankingCounts.Zero, (s, c) => s + c.Counts)))
            .ToList();
        var state = cells.Aggregate(RankingCounts.Zero, (s, c) => s + c.Counts);
        return new Ranking(period, computedAt, scorecard.Version, WorstFirst(departments), WorstFirst(districts), state);
    }

    /// <summary>How ranks are given, in words for the circulars.</summary>
    public const string RankingRule =
        "Ranked by score out of 100, higher is better; equal scores share a rank and the next rank is skipped (1, 2, 2, 4); listed from the lowest rank up.";

    public const string RankingRuleHi =
        "रैंक 100 में से अंकों के आधार पर, अधिक अंक बेहतर; बराबर अंकों वाले विभागों की रैंक एक ही होती है और अगली रैंक छोड़ दी जाती है (1, 2, 2, 4); सबसे कमज़ोर रैंक सबसे ऊपर।";

    /// <summary>
    /// Standard competition ranking from the best (scores compared as shown, to two decimals), listed worst first.
    /// Among equal scores the one with more cases past their limit is listed first; the order inside a tie changes
    /// the listing only, never the rank.
    /// </summary>
    private static List<RankingRow> WorstFirst(List<RankingRow> rows)
    {
        var better = rows.Select(r => r.Score).ToList();
        return rows.Select(r => r with
            {
                Rank = 1 + better.Count(s => s > r.Score),
                SharedWith = better.Count(s => s == r.Score) - 1,
            })
            .OrderByDescending(r => r.Rank)
            .ThenByDescending(r => r.Counts.PastLimit)
            .ThenByDescending(r => r.Counts.PendingBeyondDays)
            .ThenBy(r => r.Department, StringComparer.Ordinal)
            .ThenBy(r => r.District, StringComparer.Ordinal)
            .ToList();
    }

    public RankingRow Row(string department, string? district, RankingCounts c)
    {
        var values = scorecard.Indicators.Select(i => Evaluate(i, c)).ToList();
        // An indicator with nothing to measure (no disposals yet) drops out and the others are rescaled,
        // so a department is neither rewarded nor punished for a denominator of zero.
        var scored = values.Where(v => v.Weight > 0 && v.Points is not null).ToList();
        var weight = scored.Sum(v => v.Weight);
        var points = values.Zip(scorecard.Indicators).Where(p => p.First.Weight > 0 && p.First.Points is not null)
            .Sum(p => p.Second.Weight * Normalise(p.Second, Raw(p.Second, c)));
        var score = weight > 0 ? Math.Round(100 * points / weight, 2) : 0;
        return new RankingRow(department, district, score, scorecard.GradeFor(score), scorecard.PeerGroupFor(c.Active), 0, c, values);
    }

    private static double Raw(IndicatorDefinition i, RankingCounts c)
    {
        var v = Evaluate(i, c, out var exact);
        return exact ?? v.Value ?? 0;
    }

    private static IndicatorValue Evaluate(IndicatorDefinition i, RankingCounts c) => Evaluate(i, c, out _);

    private static IndicatorValue Evaluate(IndicatorDefinition i, RankingCounts c, out double? exact)
    {
        var (num, den) = i.Measure switch
        {
            Measure.SatisfiedClosureShare => (c.SatisfiedClosed, c.Disposed),
            Measure.DisposedWithinLimitShare => (c.DisposedWithinLimit, c.Disposed),
            Measure.PendingBeyondDaysShare => (c.PendingBeyondDays, c.Open),
            Measure.PoorQualityClosureShare => (c.PoorQuality, c.Disposed),
            Measure.NotAttendedShare => (c.NotAttended, c.Open),
            Measure.SpecialClosedShare => (c.SpecialClosed, c.Disposed),
            Measure.ReopenedShare => (c.Reopened, c.Active),
            Measure.PastLimitShare => (c.PastLimit, c.Open),
            Measure.AverageDaysToDisposal => ((long)Math.Round(c.DisposalDays), c.Disposed),
            Measure.ForceClosedCount => (c.ForceClosed, 1L),
            _ => throw new ArgumentOutOfRangeException(nameof(i), i.Measure, "unknown measure"),
        };
        double? value = den == 0 ? null
            : i.Measure == Measure.AverageDaysToDisposal ? c.DisposalDays / den
            : i.Measure == Measure.ForceClosedCount ? num
            : (double)num / den;
        exact = value;
        // Points from the exact value; only what is shown is rounded.
        double? points = value is { } v && i.Weight > 0 ? i.Weight * Normalise(i, v) : null;
        return new IndicatorValue(i.Id, i.Measure, value is { } r ? Math.Round(r, 4) : null, num, den, i.Weight, points is { } p ? Math.Round(p, 4) : null);
    }

    private static double Normalise(IndicatorDefinition i, double v)
    {
        switch (i.Normalisation)
        {
            case Normalisation.Share:
                var share = Math.Clamp(v, 0, 1);
                return i.HigherIsBetter ? share : 1 - share;
            case Normalisation.Linear:
                var t = (v - i.Worst!.Value) / (i.Best!.Value - i.Worst.Value);
                return Math.Clamp(t, 0, 1);
            default:
                return 0;
        }
    }
}
