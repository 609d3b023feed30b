using CaseFlow.Core.Cases;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The partial indexes on cases. Two let a ranking read only the cases that can count in its period, whatever the size of
/// the closed history: the cases still open (or with a special close awaiting review), and the closed ones by when they
/// last changed. Each case is in one of them at most, so reading both reads each qualifying case once. The third is the
/// review queue. Their filters are SQL that SQLite and PostgreSQL both accept; a query uses a partial index only when its
/// WHERE repeats the filter term for term, so the ranking's SQL takes them from here.
/// </summary>
public static class CaseIndexes
{
    public const string Open = "IX_Cases_Open";
    public const string ClosedByUpdate = "IX_Cases_Closed_UpdatedAt";
    public const string ReviewQueue = "IX_Cases_ReviewQueue";

    private static readonly string TerminalList =
        "(" + string.Join(", ", CaseStatusExtensions.Terminal.Order().Select(s => $"'{s}'")) + ")";

    /// <summary>
    /// Special closes sampled for review and not yet reviewed: a handful at any time. Before, the index had an entry for
    /// every case ('None' for almost all), which each registration paid for and nothing read.
    /// </summary>
    public static readonly string ReviewFilter = $"\"SpecialCloseReview\" = '{SpecialCloseReview.Pending}'";

    /// <summary>Open, or closed with its special close sampled and awaiting review (it still counts until reviewed).</summary>
    public static readonly string OpenFilter = $"\"Status\" NOT IN {TerminalList} OR {ReviewFilter}";

    public static readonly string ClosedFilter = $"\"Status\" IN {TerminalList}";
}
