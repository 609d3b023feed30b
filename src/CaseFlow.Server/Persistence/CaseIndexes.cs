using CaseFlow.Core.Cases;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The two partial indexes that let a ranking read only the cases that can count in its period, whatever the size of the
/// closed history: the cases still open (or with a special close awaiting review), and the closed ones by when they last
/// changed. Each case is in one of them at most, so reading both reads each qualifying case once. Their filters are SQL
/// that SQLite and PostgreSQL both accept; a query uses a partial index only when its WHERE repeats the filter term for
/// term, so the ranking's SQL takes them from here.
/// </summary>
public static class CaseIndexes
{
    public const string Open = "IX_Cases_Open";
    public const string ClosedByUpdate = "IX_Cases_Closed_UpdatedAt";

    private static readonly string TerminalList =
        "(" + string.Join(", ", CaseStatusExtensions.Terminal.Order().Select(s => $"'{s}'")) + ")";

    /// <summary>Open, or closed with its special close sampled and awaiting review (it still counts until reviewed).</summary>
    public static readonly string OpenFilter = $"\"Status\" NOT IN {TerminalList} OR \"SpecialCloseReview\" = '{SpecialCloseReview.Pending}'";

    public static readonly string ClosedFilter = $"\"Status\" IN {TerminalList}";
}
