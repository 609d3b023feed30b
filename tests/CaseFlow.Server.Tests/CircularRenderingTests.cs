using System.Text;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Circulars;
using Scriban.Runtime;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The shipped templates rendered from a fixed ranking, compared with golden files (Golden/*.html) to the
/// character. After an intended template change, run with UPDATE_GOLDEN=1 and review the diff in git.
/// </summary>
public sealed class CircularRenderingTests
{
    // Monday 30 November 2026, 09:00 IST: the weekly run for 23-29 November.
    private static readonly DateTimeOffset Issued = new(2026, 11, 30, 3, 30, 0, TimeSpan.Zero);
    private static readonly RankingPeriod Week = RankingPeriod.WeekBefore(Issued);

    private static DirectorySnapshot Directory() => DirectorySeed.Load(Path.Combine(AppContext.BaseDirectory, "seed", "directory.json"));
    private static Scorecard Card() => Scorecard.Load(Path.Combine(AppContext.BaseDirectory, "seed", "scorecard.json"));
    private static string Template(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "templates", name + TemplateStore.Extension));

    private static CaseFact Fact(int n, string department, string district, CaseStatus status, int createdDaysAgo, bool? satisfied = null, int? closedDaysAgo = null) =>
        new($"UK-2026-{n:000000}", department, district, "power-supply", status, Week.To.AddDays(-createdDaysAgo), Week.To.AddDays(-1),
            ResolvedAt: null, ClosedAt: closedDaysAgo is { } c ? Week.To.AddDays(-c) : null, Satisfied: satisfied, UnansweredAt: null,
            NotSatisfiedAt: satisfied == false ? Week.To.AddDays(-3) : null, ReopenCount: satisfied == false ? 1 : 0,
            SpecialCloseUnderReview: status == CaseStatus.SpecialClosed, Habitual: false,
            FirstBreachAt: createdDaysAgo > 30 && status == CaseStatus.InProgress ? Week.To.AddDays(-createdDaysAgo + 7) : null, Level: 2, ChiefSecretaryReview: false);

    /// <summary>Energy does well, drinking water badly, with 1,234 old pending cases to show Indian grouping.</summary>
    private static Ranking FixedRanking()
    {
        var facts = new List<CaseFact>();
        var n = 1;
        for (var i = 0; i < 9; i++) facts.Add(Fact(n++, "energy", "dehradun", CaseStatus.Closed, 10, satisfied: true, closedDaysAgo: 2));
        facts.Add(Fact(n++, "energy", "dehradun", CaseStatus.InProgress, 3));
        for (var i = 0; i < 1234; i++) facts.Add(Fact(n++, "drinking-water", "haridwar", CaseStatus.InProgress, 80));
        facts.Add(Fact(n++, "drinking-water", "haridwar", CaseStatus.SpecialClosed, 10, closedDaysAgo: 3));
        facts.Add(Fact(n++, "drinking-water", "haridwar", CaseStatus.Reopened, 10, satisfied: false));
        return new RankingCalculator(Card()).Compute(facts, Week, Issued);
    }

    private static readonly RecurringIssue[] Issues =
    [
        new("water-supply", "haridwar", "drinking-water", CircularModels.WeekOf(Week), 31, 6.5, "threshold", ["UK-2026-000011", "UK-2026-000012", "UK-2026-000013"]),
    ];

    private static readonly OverdueCase[] Overdue =
    [
        new("UK-2026-000011", "haridwar", "water-supply", 2, Issued.AddDays(-12.5), Issued.AddDays(-40), "drinking-water-haridwar-l2"),
        new("UK-2026-000012", "haridwar", "water-quality", 1, Issued.AddDays(-3.2), Issued.AddDays(-20), "drinking-water-haridwar-l1"),
    ];

    /// <summary>The letter's sender block as an office would configure it.</summary>
    private static readonly CircularLetterOptions Letter = new() { SignatoryName = "Sanjay Rawat", SignatoryNameHi = "संजय रावत" };

    private static string Render(string name, ScriptObject model) => new CircularRenderer().RenderAsync(Template(name), name, model, CancellationToken.None).GetAwaiter().GetResult();

    [TestCase("hi")]
    [TestCase("en")]
    public void The_state_ranking_circular_matches_its_golden_file(string language) =>
        Golden($"ranking.{language}.html", Render($"ranking.{language}",
            CircularModels.StateRanking(FixedRanking(), Issues, Directory(), Card(), language, 42, Issued, Letter)));

    [TestCase("hi")]
    [TestCase("en")]
    public void The_HoD_overdue_circular_matches_its_golden_file(string language) =>
        Golden($"hod-overdue.{language}.html", Render($"hod-overdue.{language}",
            CircularModels.HodOverdue(FixedRanking(), "drinking-water", Overdue, 1234, Directory(), language, 42, Issued, Letter)));

    [TestCase("hi", "पृष्ठ", "/", "रैंक जनपद विभाग", "प्रतिलिपि", "भवदीय")]
    [TestCase("en", "Page", "of", "Rank District Department", "Copy to", "Yours faithfully")]
    public async Task A_circular_of_several_pages_numbers_them_and_repeats_the_table_header_on_each(string language, string page, string of, string districtHeader,
        string copyTo, string closing)
    {
        if (!File.Exists("/usr/bin/chromium")) Assert.Ignore("Chromium is not installed (/usr/bin/chromium); .ci/run installs it.");
        // Every department in every district: over a hundred district rows, so the district table runs over pages.
        var dir = Directory();
        var n = 1;
        var facts = dir.Departments.SelectMany(d => dir.Districts.Select(x => Fact(n++, d.Id, x.Id, n % 3 == 0 ? CaseStatus.Closed : CaseStatus.InProgress, 10 + n % 60,
            satisfied: n % 3 == 0 ? true : null, closedDaysAgo: n % 3 == 0 ? 2 : null))).ToList();
        var ranking = new RankingCalculator(Card()).Compute(facts, Week, Issued);
        var html = Render($"ranking.{language}", CircularModels.StateRanking(ranking, Issues, dir, Card(), language, 42, Issued, Letter));
        var pdf = (await new PdfPrinter("/usr/bin/chromium", Microsoft.Extensions.Logging.Abstractions.NullLogger<PdfPrinter>.Instance).PrintAsync([html], CancellationToken.None))[0];
        Assert.That(pdf.SkippedReason, Is.Null);

        var pages = CircularServiceTests.PdfText(pdf.Pdf!).Split('\f').Where(p => p.Trim().Length > 0).ToList();
        Assert.That(pages, Has.Count.GreaterThanOrEqualTo(3), "the fixture runs over several pages");
        for (var i = 0; i < pages.Count; i++)
            Assert.That(Squash(pages[i]), Does.Contain(Squash($"{page} {i + 1} {of} {pages.Count}")), $"page {i + 1} is numbered");
        // The district table's header (its first three columns, which never wrap) is on every page the table reaches.
        var first = pages.FindIndex(p => Squash(p).Contains(Squash(districtHeader)));
        var last = pages.FindLastIndex(p => p.Contains(language == "hi" ? "विशेष रूप से बंद" : "Special closes under review", StringComparison.Ordinal));
        Assert.That(first, Is.GreaterThanOrEqualTo(0));
        Assert.That(last, Is.GreaterThan(first), "the district table runs over a page break");
        for (var i = first; i <= last; i++)
            Assert.That(Squash(pages[i]), Does.Contain(Squash(districtHeader)), $"the district table's header is repeated on page {i + 1}");
        var end = Squash(pages[^1]);
        Assert.That(end, Does.Contain(Squash(closing)).And.Contain(Squash(language == "hi" ? "संजय रावत" : "Sanjay Rawat")).And.Contain(Squash(copyTo)),
            "the letter ends with the signature block and the copy list");
    }

    [TestCase("hi")]
    [TestCase("en")]
    public void The_state_circular_draws_each_departments_score_as_a_chart_and_says_ranks_in_words(string language)
    {
        var html = Render($"ranking.{language}", CircularModels.StateRanking(FixedRanking(), Issues, Directory(), Card(), language, 42, Issued, Letter));
        var svg = html[html.IndexOf("<svg", StringComparison.Ordinal)..(html.IndexOf("</svg>", StringComparison.Ordinal) + 6)];
        var names = Directory().DepartmentsById;
        Assert.That(svg, Does.Contain(System.Net.WebUtility.HtmlEncode(language == "hi" ? names["drinking-water"].NameHi : names["drinking-water"].Name)));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(svg, "<rect ").Count, Is.EqualTo(2), "one bar per department");
        Assert.That(html, Does.Contain(language == "hi" ? "2 में से दूसरा स्थान (सबसे कमज़ोर)" : "rank 2 of 2 (worst)"));
        Assert.That(html, Does.Not.Contain("W48").And.Not.Contain("L1 से L4"), "periods are dates in words");
        Assert.That(html, Does.Contain(language == "hi" ? "23 नवम्बर 2026 से 29 नवम्बर 2026 तक" : "23 November 2026 to 29 November 2026"));
    }

    /// <summary>pdftotext breaks and spaces text as it lays it out; compare without whitespace.</summary>
    private static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    [TestCase(0, "0")]
    [TestCase(999, "999")]
    [TestCase(1000, "1,000")]
    [TestCase(123456, "1,23,456")]
    [TestCase(12345678, "1,23,45,678")]
    [TestCase(-1234567, "-12,34,567")]
    public void Numbers_use_Indian_grouping(long n, string expected) =>
        Assert.That(CircularRenderer.Functions.IndianNumber(n), Is.EqualTo(expected));

    [Test]
    public void Dates_are_Indian_and_Hindi_in_IST()
    {
        // 19:00 UTC on 30 November is 00:30 IST on 1 December.
        var late = new DateTimeOffset(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);
        Assert.That(CircularRenderer.Functions.IndianDate(late), Is.EqualTo("01-12-2026"));
        Assert.That(CircularRenderer.Functions.HindiDate(late), Is.EqualTo("1 दिसम्बर 2026"));
    }

    [Test]
    public async Task Rendering_is_sandboxed_no_includes_and_loops_are_bounded()
    {
        var renderer = new CircularRenderer();
        var include = await Assert.ThrowsAsync<CaseFlowException>(() => renderer.RenderAsync("{{ include '/etc/passwd' }}", "evil", new ScriptObject(), CancellationToken.None));
        Assert.That(include!.Reason, Is.EqualTo("TEMPLATE_FAILED"));
        var loop = await Assert.ThrowsAsync<CaseFlowException>(() => renderer.RenderAsync("{{ for i in 1..1000000 }}x{{ end }}", "loop", new ScriptObject(), CancellationToken.None));
        Assert.That(loop!.Reason, Is.EqualTo("TEMPLATE_FAILED"));
        Assert.That(loop.Message, Does.Contain("loop"));
    }

    [Test]
    public async Task A_template_producing_more_than_the_limit_is_refused_not_cut_short()
    {
        var renderer = new CircularRenderer();
        // 10 MB: 1,000 rows of 10,000 characters, inside the loop limit.
        var big = await Assert.ThrowsAsync<CaseFlowException>(() => renderer.RenderAsync(
            "{{ for i in 1..1000 }}{{ '' | string.pad_left 10000 }}{{ end }}", "big", new ScriptObject(), CancellationToken.None));
        Assert.That(big!.Reason, Is.EqualTo("TEMPLATE_OUTPUT_TOO_LARGE"));
    }

    [Test]
    public void A_template_that_does_not_parse_is_reported_with_line_and_column()
    {
        var errors = CircularRenderer.Check("<p>\n{{ for row in rows }}\n<td>{{ row.rank }</td>\n", "broken");
        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors[0], Does.Match(@"^line \d+, column \d+: "));
    }

    private static void Golden(string file, string actual)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "tests", "CaseFlow.Server.Tests", "Golden", file);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            // Regenerating is not a pass: the run reports the test inconclusive until the new file is reviewed.
            Assert.Inconclusive($"Golden file {file} written; review it with git diff and run again without UPDATE_GOLDEN.");
        }
        Assert.That(File.Exists(path), Is.True, $"No golden file {path}; run with UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        actual = actual.Replace("\r\n", "\n");
        if (expected == actual) return;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        Assert.Fail($"{file} differs from the golden file at line {line + 1}:\n  golden:   {(line < e.Length ? e[line] : "<end of file>")}\n  rendered: {(line < a.Length ? a[line] : "<end of file>")}\n" +
                    "If the change is intended, run with UPDATE_GOLDEN=1 and review git diff.");
    }
}
