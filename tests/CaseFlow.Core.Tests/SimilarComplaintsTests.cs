using CaseFlow.Core.Ranking;

namespace CaseFlow.Core.Tests;

public sealed class SimilarComplaintsTests
{
    private static readonly IsoWeek Week = new(2026, 48);
    private static readonly RecurringSettings Settings = new() { SimilarMinimum = 3, SimilarityThreshold = 0.5, SampleCases = 10 };

    private static ComplaintText T(int n, string district, string category, string text) =>
        new($"UK-2026-{n:000000}", district, category, "energy", text);

    [Test]
    public void The_same_transformer_written_about_by_different_people_in_two_categories_is_one_issue_per_script()
    {
        var complaints = new[]
        {
            // Raipur's transformer, five ways: spelt with and without nukta and chandrabindu, in two categories.
            T(1, "dehradun", "power-supply", "रायपुर गांव का ट्रांसफार्मर जल गया है, बिजली नहीं है"),
            T(2, "dehradun", "power-supply", "रायपुर गाँव ट्रांसफार्मर जल गया बिजली नहीं"),
            T(3, "dehradun", "electricity-billing", "रायपुर गांव में ट्रांसफार्मर जल गया, कृपया बिजली चालू करें"),
            T(4, "dehradun", "power-supply", "Raipur gaon ka transformer jal gaya, bijli nahin hai"),
            T(5, "dehradun", "power-supply", "raipur gaon transformer jal gaya bijli nahin"),
            T(6, "dehradun", "power-supply", "RAIPUR GAON TRANSFORMER JAL GAYA!!! bijli nahin 9876543210"),
            // Same words in another district: a different transformer.
            T(7, "haridwar", "power-supply", "रायपुर गांव का ट्रांसफार्मर जल गया है, बिजली नहीं है"),
            // Same district, different complaints that share only common words.
            T(8, "dehradun", "power-supply", "बिल गलत आया है, मीटर की जांच करें"),
            T(9, "dehradun", "power-supply", "नया कनेक्शन नहीं मिला है"),
        };
        var issues = SimilarComplaints.Group(complaints, Week, Settings);

        Assert.That(issues.Select(i => (i.District, i.Count, i.Reason, i.Category)), Is.EqualTo(new[]
        {
            ("dehradun", 3, "similar", "power-supply"),
            ("dehradun", 3, "similar", "power-supply"),
        }), "the Hindi three and the transliterated three are two groups (no transliteration), Haridwar's one and the unrelated two are none");
        Assert.That(issues[0].SampleCaseNumbers, Is.EqualTo(new[] { "UK-2026-000001", "UK-2026-000002", "UK-2026-000003" }));
        Assert.That(issues[1].SampleCaseNumbers, Is.EqualTo(new[] { "UK-2026-000004", "UK-2026-000005", "UK-2026-000006" }));
        Assert.That(issues[0].Keywords, Is.SupersetOf(new[] { "रायपुर", "गांव", "ट्रांसफार्मर", "जल", "बिजली" }), "गाँव is read as गांव");
        Assert.That(issues[1].Keywords, Is.SupersetOf(new[] { "transformer", "raipur" }));
        Assert.That(issues.SelectMany(i => i.Keywords!), Has.None.Contains("9876543210"), "a phone number is never shown");
    }

    [Test]
    public void Complaints_about_different_roads_are_not_joined_and_a_pair_is_under_the_minimum()
    {
        var complaints = new[]
        {
            T(1, "almora", "road-condition", "Road from Almora to Binsar is broken with deep potholes"),
            T(2, "almora", "road-condition", "Almora Binsar road broken, deep potholes"),
            T(3, "almora", "road-condition", "Road near Kasar Devi temple has a landslide blocking it"),
            T(4, "almora", "road-condition", "Street light on Mall Road not working"),
        };
        Assert.That(SimilarComplaints.Group(complaints, Week, Settings), Is.Empty, "two alike are under the minimum of three; the rest differ");
        Assert.That(SimilarComplaints.Jaccard(SimilarComplaints.Words(complaints[0].Description), SimilarComplaints.Words(complaints[1].Description)),
            Is.GreaterThanOrEqualTo(0.5));
        Assert.That(SimilarComplaints.Jaccard(SimilarComplaints.Words(complaints[0].Description), SimilarComplaints.Words(complaints[2].Description)),
            Is.LessThan(0.2));
    }

    [Test]
    public void A_chain_of_similar_complaints_is_one_group_and_the_scorecard_refuses_unusable_settings()
    {
        // a~b and b~c though a and c differ more: joined transitively, as people describe one fault in drifting words.
        var complaints = new[]
        {
            T(1, "nainital", "water-supply", "pipeline burst at Mallital water tank"),
            T(2, "nainital", "water-supply", "pipeline burst Mallital tank water wasted"),
            T(3, "nainital", "water-supply", "Mallital tank pipeline burst water wasted road flooded"),
        };
        var issues = SimilarComplaints.Group(complaints, Week, Settings);
        Assert.That(issues.Single().Count, Is.EqualTo(3));
        Assert.That(new Scorecard { Recurring = new RecurringSettings { SimilarMinimum = 1, SimilarityThreshold = 1.5 } }.Validate(),
            Has.Some.Contains("similarMinimum").And.Some.Contains("similarityThreshold"));
    }
    [Test]
    public void A_large_week_groups_exactly_as_comparing_every_pair_would()
    {
        // Three districts of 500 complaints, each written about one of 60 faults (six words each, one or two left out and
        // two words of the writer's own added), so that many pairs are similar and many are not. No word reaches the
        // "too common to index" share, so the inverted index must find every similar pair that comparing all pairs finds.
        var rng = new Random(11);
        var vocabulary = Enumerable.Range(0, 900).Select(n => $"w{n}x").ToArray();
        var faults = Enumerable.Range(0, 60).Select(_ => Enumerable.Range(0, 6).Select(_ => vocabulary[rng.Next(300)]).ToArray()).ToArray();
        var complaints = new List<ComplaintText>();
        foreach (var district in new[] { "almora", "champawat", "pithoragarh" })
            for (var n = 0; n < 500; n++)
            {
                var words = faults[rng.Next(faults.Length)].Where(_ => rng.Next(6) > 0)
                    .Concat([vocabulary[300 + rng.Next(600)], vocabulary[300 + rng.Next(600)]]);
                complaints.Add(T(complaints.Count + 1, district, "power-supply", string.Join(" ", words)));
            }
        var settings = Settings with { SampleCases = 1_000 };

        var grouped = SimilarComplaints.Group(complaints, Week, settings)
            .Select(i => (i.District, Members: string.Join(",", i.SampleCaseNumbers))).OrderBy(g => g.Members, StringComparer.Ordinal).ToList();

        var expected = new List<(string District, string Members)>();
        foreach (var district in complaints.GroupBy(c => c.District))
        {
            var items = district.ToList();
            var words = items.Select(c => SimilarComplaints.Words(c.Description)).ToList();
            var parent = Enumerable.Range(0, items.Count).ToArray();
            int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
            for (var a = 0; a < items.Count; a++)
                for (var b = a + 1; b < items.Count; b++)
                {
                    var shared = words[a].Count(words[b].Contains);
                    if (shared > 0 && (double)shared / (words[a].Count + words[b].Count - shared) >= settings.SimilarityThreshold)
                        parent[Find(a)] = Find(b);
                }
            expected.AddRange(Enumerable.Range(0, items.Count).GroupBy(Find).Where(g => g.Count() >= settings.SimilarMinimum)
                .Select(g => (district.Key, string.Join(",", g.Select(i => items[i].Number).Order(StringComparer.Ordinal)))));
        }
        expected = expected.OrderBy(g => g.Members, StringComparer.Ordinal).ToList();

        Assert.That(expected, Has.Count.GreaterThan(20), "the fixture has many groups to find");
        Assert.That(grouped, Is.EqualTo(expected));
    }
}
