using System.Threading.Channels;
using CaseFlow.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// Prints and mails circulars off the workflow timer pump: launching Chromium and talking to SMTP take
/// seconds, and the pump's batch would otherwise hold every case's due timer back for that long. At start
/// it picks up circulars a stopped process archived but never delivered.
/// </summary>
public sealed class CircularDeliveryService(WeeklyReview review, CaseFlowDatabase database, ILogger<CircularDeliveryService> log) : BackgroundService
{
    private readonly Channel<IReadOnlyList<long>> _queue = Channel.CreateUnbounded<IReadOnlyList<long>>();

    public void Enqueue(IReadOnlyList<long> circularIds) => _queue.Writer.TryWrite(circularIds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using (var db = database.CreateContext())
            {
                var undelivered = await db.Circulars.Where(c => c.DeliveredAt == null).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(stoppingToken);
                if (undelivered.Count > 0) Enqueue(undelivered);
            }
            await foreach (var ids in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await review.DeliverNowAsync(ids, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Left undelivered in the archive; the next start (or the next weekly run's ids) tries again.
                    log.LogError(e, "Delivering circulars {Ids} failed", string.Join(",", ids));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
