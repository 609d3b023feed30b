using System.Globalization;
using System.Text;

namespace CaseFlow.Core.Ranking;

/// <summary>One complaint's text as recurring detection reads it: the number, where, what, and the description.</summary>
public sealed record ComplaintText(string Number, string District, string Category, string Department, string Description);

/// <summary>
/// Groups near-duplicate complaints of one week within a district: many people writing about the same transformer or
/// the same road is one systemic issue, whatever category each chose. The algorithm, so that it can be checked by hand:
/// <list type="number">
/// <item>Normalise: Unicode NFKC, lower case, nukta dropped (क़ = क) and chandrabindu read as anusvara (ँ = ं), as
/// Hindi is written both ways; anything that is not a letter, digit or combining mark splits words.</item>
/// <item>Words: the normalised words of two or more characters, less a short list of Hindi and English function words.</item>
/// <item>Similar: two complaints of the same district whose word sets have a Jaccard similarity (shared / all) of at
/// least <see cref="RecurringSettings.SimilarityThreshold"/>. Only pairs sharing a word that is in at most a quarter
/// of the district's complaints (or 200) are compared (an inverted index), so the cost follows the week, not its square.</item>
/// <item>Group: similar pairs are joined transitively (union-find); a group of at least
/// <see cref="RecurringSettings.SimilarMinimum"/> complaints is an issue, named by the words at least half of them share.</item>
/// </list>
/// </summary>
public static class SimilarComplaints
{
    private static readonly HashSet<string> FunctionWords = new(
    [
        "the", "and", "for", "from", "with", "that", "this", "not", "are", "was", "has", "have", "been", "our", "there", "since", "please",
        "near", "of", "in", "on", "at", "to", "is", "it", "no", "my", "we", "by", "be", "an", "or", "as", "days", "day", "sir",
        "है", "हैं", "था", "थे", "में", "की", "का", "के", "को", "से", "पर", "और", "नहीं", "भी", "यह", "वह", "हो", "रहा", "रही", "रहे",
        "गया", "गई", "गए", "कर", "किया", "दिन", "दिनों", "कृपया", "हमारे", "हमारा", "हमारी", "लिए", "तक", "एक", "जी",
    ], StringComparer.Ordinal);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FunctionWordsBySpan = FunctionWords.GetAlternateLookup<ReadOnlySpan<char>>();

    public static IReadOnlyList<RecurringIssue> Group(IReadOnlyList<ComplaintText> complaints, IsoWeek week, RecurringSettings settings)
    {
        // Districts are grouped apart, so they are worked on side by side (a week's texts are a few tens of thousands).
        var issues = complaints.GroupBy(c => c.District, StringComparer.Ordinal).AsParallel().SelectMany(district => InDistrict(district, week, settings)).ToList();
        return issues.OrderByDescending(i => i.Count).ThenBy(i => i.District, StringComparer.Ordinal).ThenBy(i => i.SampleCaseNumbers[0], StringComparer.Ordinal).ToList();
    }

    // A week of texts, once a week: compiled optimised at once rather than first as tier-0 code.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static List<RecurringIssue> InDistrict(IGrouping<string, ComplaintText> district, IsoWeek week, RecurringSettings settings)
    {
        var issues = new List<RecurringIssue>();
        var items = district.ToList();
        var words = items.Select(c => Words(c.Description)).ToList();
        // Each distinct word gets a number, and each complaint its sorted numbers: comparing two complaints is then a merge
        // of two short arrays, not string hashing (a district's week is compared pairwise through its shared words).
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var sets = new int[items.Count][];
        for (var i = 0; i < items.Count; i++)
        {
            var set = new int[words[i].Count];
            var k = 0;
            foreach (var w in words[i])
            {
                if (!ids.TryGetValue(w, out var id)) ids[w] = id = ids.Count;
                set[k++] = id;
            }
            Array.Sort(set);
            sets[i] = set;
        }
        var postings = new List<int>[ids.Count];
        for (var i = 0; i < items.Count; i++)
            foreach (var id in sets[i])
                (postings[id] ??= []).Add(i);
        var common = Math.Max(200, items.Count / 4);
        var parent = Enumerable.Range(0, items.Count).ToArray();
        // A local function is a method of its own: the attribute on InDistrict does not reach it.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        // Each complaint i is compared with the later complaints j that share one of its words, once each however many words
        // they share: seen[j] == i marks j as done for i (a pair set would hold every pair of the week's district).
        var seen = new int[items.Count];
        Array.Fill(seen, -1);
        for (var i = 0; i < items.Count; i++)
            foreach (var id in sets[i])
            {
                var posting = postings[id];
                if (posting.Count < 2 || posting.Count > common) continue;
                // A posting lists its complaints in order, i among them: the later ones follow it.
                for (var k = posting.BinarySearch(i) + 1; k < posting.Count; k++)
                {
                    var j = posting[k];
                    if (seen[j] == i) continue;
                    seen[j] = i;
                    if (Find(i) != Find(j) && Jaccard(sets[i], sets[j]) >= settings.SimilarityThreshold) parent[Find(i)] = Find(j);
                }
            }
        foreach (var group in Enumerable.Range(0, items.Count).GroupBy(Find).Where(g => g.Count() >= settings.SimilarMinimum))
        {
            var members = group.Select(i => items[i]).OrderBy(c => c.Number, StringComparer.Ordinal).ToList();
            // Words long in digits (a phone or account number) are never shown: the circular carries no personal data.
            var shared = group.SelectMany(i => words[i]).Where(w => w.Count(char.IsDigit) < 5).GroupBy(w => w).Where(g => g.Count() * 2 >= members.Count)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(8).Select(g => g.Key).ToList();
            var category = members.GroupBy(c => c.Category).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            var department = members.GroupBy(c => c.Department).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            issues.Add(new RecurringIssue(category, district.Key, department, week, members.Count, 0, "similar",
                members.Select(c => c.Number).Take(settings.SampleCases).ToList(), shared));
        }
        return issues;
    }

    /// <summary>Jaccard similarity of two sorted sets of word numbers: a merge.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double Jaccard(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0) return 0;
        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) { shared++; i++; j++; }
            else if (a[i] < b[j]) i++;
            else j++;
        }
        return (double)shared / (a.Length + b.Length - shared);
    }

    /// <summary>The normalised content words of a text (see the class summary).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static HashSet<string> Words(string text)
    {
        var normal = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Replace("\u093C", "").Replace('\u0901', '\u0902');
        var words = new HashSet<string>(StringComparer.Ordinal);
        var known = words.GetAlternateLookup<ReadOnlySpan<char>>();
        var start = -1;
        for (var k = 0; k <= normal.Length; k++)
        {
            if (k < normal.Length && IsWordChar(normal[k]))
            {
                if (start < 0) start = k;
                continue;
            }
            if (start < 0) continue;
            var word = normal.AsSpan(start, k - start);
            start = -1;
            // A string is made only for a word not seen before in this text.
            if (word.Length >= 2 && !FunctionWordsBySpan.Contains(word) && !known.Contains(word)) words.Add(word.ToString());
        }
        return words;
    }

    private static bool IsWordChar(char ch) =>
        char.IsLetterOrDigit(ch) || CharUnicodeInfo.GetUnicodeCategory(ch) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    /// <summary>The similarity of two complaints' word sets (shared / all): the measure the grouping uses, on words.</summary>
    public static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int[] Numbers(HashSet<string> words)
        {
            var set = words.Select(w => ids.TryGetValue(w, out var id) ? id : ids[w] = ids.Count).ToArray();
            Array.Sort(set);
            return set;
        }
        return Jaccard(Numbers(a), Numbers(b));
    }
}
