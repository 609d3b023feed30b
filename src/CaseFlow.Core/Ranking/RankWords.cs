using System.Globalization;

namespace CaseFlow.Core.Ranking;

/// <summary>
/// A rank said so it cannot be misread: "rank 1 of 8" alone reads as first place whichever end is meant, so the
/// words say which end and whether the rank is shared.
/// </summary>
public static class RankWords
{
    public static string English(int rank, int of, int sharedWith)
    {
        var note = Note(rank, of, sharedWith) switch
        {
            Standing.AllEqual => " (all equal)",
            Standing.Best => sharedWith > 0 ? $" (best, shared with {Others(sharedWith)})" : " (best)",
            Standing.Worst => sharedWith > 0 ? $" (worst, shared with {Others(sharedWith)})" : " (worst)",
            _ => sharedWith > 0 ? $" (shared with {Others(sharedWith)})" : "",
        };
        return $"rank {rank} of {of}{note}";
    }

    public static string Hindi(int rank, int of, int sharedWith)
    {
        var shared = sharedWith > 0 ? $", {sharedWith} अन्य के साथ बराबर" : "";
        var note = Note(rank, of, sharedWith) switch
        {
            Standing.AllEqual => " (सभी बराबर)",
            Standing.Best => $" (सर्वश्रेष्ठ{shared})",
            Standing.Worst => $" (सबसे कमज़ोर{shared})",
            _ => sharedWith > 0 ? $" ({sharedWith} अन्य के साथ बराबर)" : "",
        };
        return $"{of} में से {HindiOrdinal(rank)} स्थान{note}";
    }

    /// <summary>पहला, दूसरा, तीसरा, चौथा, छठा are irregular; the rest take -वाँ (5वाँ, 8वाँ, 21वाँ).</summary>
    public static string HindiOrdinal(int n) => n switch
    {
        1 => "पहला",
        2 => "दूसरा",
        3 => "तीसरा",
        4 => "चौथा",
        6 => "छठा",
        _ => n.ToString(CultureInfo.InvariantCulture) + "वाँ",
    };

    private static string Others(int n) => n == 1 ? "1 other" : $"{n} others";

    private enum Standing { Middle, Best, Worst, AllEqual }

    private static Standing Note(int rank, int of, int sharedWith) =>
        of > 1 && sharedWith == of - 1 ? Standing.AllEqual
        : rank == 1 ? Standing.Best
        : rank + sharedWith == of ? Standing.Worst
        : Standing.Middle;
}
