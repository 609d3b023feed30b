using CaseFlow.Core.Ranking;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// The weekly-ranking workflow's steps (<see cref="IWeeklyReview"/>), each one call into the room's parts: the
/// snapshots, the archive and the delivery service.
/// </summary>
public sealed class WeeklyReview(RankingSnapshots rankings, CircularArchive archive, CircularDeliveryService delivery) : IWeeklyReview
{
    public async Task<long> ComputeRankingAsync(RankingPeriod period, string requestKey, CancellationToken ct) =>
        (await rankings.ComputeAndStoreAsync(period, requestKey, ct)).Id;

    public async Task<int> DetectRecurringAsync(long snapshotId, string requestKey, CancellationToken ct) =>
        (await rankings.DetectAndStoreAsync(snapshotId, requestKey, ct)).Count;

    public Task<IReadOnlyList<long>> RenderCircularsAsync(long snapshotId, string requestKey, CancellationToken ct) =>
        archive.ArchiveAsync(snapshotId, requestKey, ct);

    public Task DeliverAsync(IReadOnlyList<long> circularIds, CancellationToken ct)
    {
        delivery.Enqueue(circularIds);
        return Task.CompletedTask;
    }
}
