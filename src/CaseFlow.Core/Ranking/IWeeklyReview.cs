namespace CaseFlow.Core.Ranking;

/// <summary>
/// The weekly review's steps as the workflow activities call them; the server implements them over its
/// database, templates, PDF printer and mail. Each step with a <c>requestKey</c> is idempotent on it (the
/// workflow instance and activity), because a workflow step that loses a race is run again.
/// </summary>
public interface IWeeklyReview
{
    /// <summary>Computes and stores an immutable ranking snapshot; returns its id.</summary>
    Task<long> ComputeRankingAsync(RankingPeriod period, string requestKey, CancellationToken ct);

    /// <summary>Detects the recurring complaints of the snapshot's last week and stores them with it; returns how many.</summary>
    Task<int> DetectRecurringAsync(long snapshotId, string requestKey, CancellationToken ct);

    /// <summary>Renders and archives the circulars of a snapshot (state-wide and per department, each language); returns their ids.</summary>
    Task<IReadOnlyList<long>> RenderCircularsAsync(long snapshotId, string requestKey, CancellationToken ct);

    /// <summary>Prints and mails archived circulars (the host may do it in the background); a circular already delivered is skipped, so a repeat sends nothing twice.</summary>
    Task DeliverAsync(IReadOnlyList<long> circularIds, CancellationToken ct);
}
