using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// What a ranking measures and how it weighs it. Administrators edit it as data (seed/scorecard.json);
/// every snapshot records the version it was computed with, so a changed weighting never rewrites history.
/// </summary>
public sealed record Scorecard
{
    public int Version { get; init; }
    public string Name { get; init; } = "";
    public string NameHi { get; init; } = "";
    public IReadOnlyList<IndicatorDefinition> Indicators { get; init; } = [];
    /// <summary>Lowest score (0..100) for each grade, best first; the last band should start at 0.</summary>
    public IReadOnlyList<GradeBand> GradeBands { get; init; } = [];
    /// <summary>Departments are compared with others of similar volume (CPGRAMS' GRAI does the same).</summary>
    public IReadOnlyList<PeerGroup> PeerGroups { get; init; } = [];
    public RecurringSettings Recurring { get; init; } = new();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = true,
    };

    public static Scorecard Parse(string json)
    {
        var problems = Check(json, out var card);
        if (card is null) throw new ScorecardException(problems[0]);
        if (problems.Count > 0) throw new ScorecardException("The scorecard is not usable: " + string.Join("; ", problems));
        return card;
    }

    /// <summary>Every reason the text is not a usable scorecard (none when it is); <paramref name="card"/> is null only when it does not parse.</summary>
    public static IReadOnlyList<string> Check(string json, out Scorecard? card)
    {
        try { card = JsonSerializer.Deserialize<Scorecard>(json, Json); }
        catch (JsonException e) { card = null; return [$"The scorecard is not valid JSON: {e.Message}"]; }
        if (card is null) return ["The scorecard is empty."];
        return card.Validate();
    }

    public static Scorecard Load(string path) => Parse(File.ReadAllText(path));

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Version < 1) problems.Add("version must be 1 or more");
        if (Indicators.Count == 0) problems.Add("at least one indicator is needed");
        foreach (var dup in Indicators.GroupBy(i => i.Id).Where(g => g.Count() > 1)) problems.Add($"indicator '{dup.Key}' appears twice");
        // RankingCounts holds one count per measure (with one day count for the day-count measures).
        foreach (var dup in Indicators.GroupBy(i => i.Measure).Where(g => g.Count() > 1)) problems.Add($"measure '{dup.Key}' is used by more than one indicator");
        foreach (var i in Indicators)
        {
            if (string.IsNullOrWhiteSpace(i.Id)) problems.Add("an indicator has no id");
            if (i.Weight < 0) problems.Add($"indicator '{i.Id}': weight must not be negative");
            if (i.Measure.NeedsDays() && i.Days is null or < 1) problems.Add($"indicator '{i.Id}': measure {i.Measure} needs days of 1 or more");
            if (i.Normalisation == Normalisation.Linear && (i.Best is null || i.Worst is null || i.Best == i.Worst))
                problems.Add($"indicator '{i.Id}': linear normalisation needs distinct best and worst values");
            if (i.Normalisation == Normalisation.Share && !i.Measure.IsShare())
                problems.Add($"indicator '{i.Id}': share normalisation needs a share measure, {i.Measure} is not one");
            if (i.Weight > 0 && i.Normalisation == Normalisation.None)
                problems.Add($"indicator '{i.Id}': a weighted indicator needs a normalisation");
        }
        if (Indicators.Sum(i => i.Weight) <= 0) problems.Add("the weights must add up to more than 0");
        if (GradeBands.Count == 0) problems.Add("at least one grade band is needed");
        if (GradeBands.Zip(GradeBands.Skip(1)).Any(p => p.First.MinScore <= p.Second.MinScore))
            problems.Add("grade bands must be listed best first with falling minimum scores");
        if (GradeBands.Count > 0 && GradeBands[^1].MinScore > 0) problems.Add("the last grade band must start at 0");
        if (Recurring.Threshold < 1) problems.Add("recurring.threshold must be 1 or more");
        if (Recurring.RiseFactor <= 1) problems.Add("recurring.riseFactor must be more than 1");
        if (Recurring.BaselineWeeks < 1) problems.Add("recurring.baselineWeeks must be 1 or more");
        if (Recurring.BaselineWeeksWithData < 1 || Recurring.BaselineWeeksWithData > Recurring.BaselineWeeks)
            problems.Add("recurring.baselineWeeksWithData must be between 1 and baselineWeeks");
        if (Recurring.SampleCases is < 1 or > 20) problems.Add("recurring.sampleCases must be between 1 and 20");
        if (Recurring.SimilarMinimum < 2) problems.Add("recurring.similarMinimum must be 2 or more");
        if (Recurring.SimilarityThreshold is <= 0 or > 1) problems.Add("recurring.similarityThreshold must be more than 0 and at most 1");
        return problems;
    }

    public IndicatorDefinition? Find(Measure measure) => Indicators.FirstOrDefault(i => i.Measure == measure);

    public string GradeFor(double score) => GradeBands.FirstOrDefault(b => score >= b.MinScore)?.Grade ?? GradeBands[^1].Grade;

    public string PeerGroupFor(long volume) =>
        PeerGroups.FirstOrDefault(p => volume >= p.MinCases && (p.MaxCases is null || volume <= p.MaxCases))?.Id ?? "";
}

public sealed record IndicatorDefinition
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string NameHi { get; init; } = "";
    public Measure Measure { get; init; }
    /// <summary>For the day-count measures: pending beyond / no action for this many days.</summary>
    public int? Days { get; init; }
    /// <summary>0 = reported in the table but not scored.</summary>
    public double Weight { get; init; }
    public Normalisation Normalisation { get; init; }
    public bool HigherIsBetter { get; init; } = true;
    /// <summary>Linear normalisation: the value that earns full marks and the value that earns none.</summary>
    public double? Best { get; init; }
    public double? Worst { get; init; }
    /// <summary>Shown as a column of the circular's table.</summary>
    public bool KeyIndicator { get; init; }
}

public sealed record GradeBand(string Grade, double MinScore);

public sealed record PeerGroup(string Id, string Name, string NameHi, long MinCases, long? MaxCases);

public sealed record RecurringSettings
{
    /// <summary>A category × district with at least this many complaints in one ISO week is a systemic issue.</summary>
    public int Threshold { get; init; } = 25;
    /// <summary>...or with this many times the average of the previous weeks...</summary>
    public double RiseFactor { get; init; } = 2.0;
    /// <summary>...provided the week has at least this many (two complaints after an average of one is noise).</summary>
    public int MinimumForRise { get; init; } = 5;
    public int BaselineWeeks { get; init; } = 4;
    /// <summary>...and a rise needs complaints in at least this many of the baseline weeks: a rise over nothing
    /// (a first week with data, a category just added) is news, not a pattern.</summary>
    public int BaselineWeeksWithData { get; init; } = 2;
    /// <summary>How many case numbers an issue lists as examples.</summary>
    public int SampleCases { get; init; } = 5;
    /// <summary>Near-duplicate complaints (see <see cref="SimilarComplaints"/>): this many in one district and week are one issue...</summary>
    public int SimilarMinimum { get; init; } = 5;
    /// <summary>...when their word sets are at least this similar (Jaccard, 0..1).</summary>
    public double SimilarityThreshold { get; init; } = 0.5;
}

/// <summary>What an indicator counts. Each is defined once, in <see cref="RankingCounts"/>.</summary>
public enum Measure
{
    SatisfiedClosureShare = 1,
    DisposedWithinLimitShare,
    PendingBeyondDaysShare,
    PoorQualityClosureShare,
    NotAttendedShare,
    SpecialClosedShare,
    ReopenedShare,
    AverageDaysToDisposal,
    ForceClosedCount,
    /// <summary>Pending cases past a time limit at any level.</summary>
    PastLimitShare,
}

public enum Normalisation
{
    /// <summary>Reported only.</summary>
    None,
    /// <summary>A share 0..1: full marks at 1 (or at 0 when lower is better).</summary>
    Share,
    /// <summary>Full marks at Best, none at Worst, straight line between, clamped.</summary>
    Linear,
}

public static class MeasureExtensions
{
    public static bool NeedsDays(this Measure m) => m is Measure.PendingBeyondDaysShare or Measure.NotAttendedShare;

    public static bool IsShare(this Measure m) => m is not (Measure.AverageDaysToDisposal or Measure.ForceClosedCount);
}

public sealed class ScorecardException(string message) : Exception(message);
