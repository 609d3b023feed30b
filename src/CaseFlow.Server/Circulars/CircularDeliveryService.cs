using System.Threading.Channels;
using CaseFlow.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// Prints and mails circulars off the workflow timer pump: launching Chromium and talking to SMTP take
/// seconds, and the pump's batch would otherwise hold every case's due timer back for that long. At start
/// it picks up circulars a stopped process archived but never delivered.
/// </summary>
public sealed class CircularDeliveryService(WeeklyReview review, CaseFlowDatabase database, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<CaseFlow.Server.Hosting.CaseFlowOptions> options, ILogger<CircularDeliveryService> log) : BackgroundService
{
    private readonly Channel<IReadOnlyList<long>> _queue = Channel.CreateUnbounded<IReadOnlyList<long>>();

    public void Enqueue(IReadOnlyList<long> circularIds) => _queue.Writer.TryWrite(circularIds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            _ = RetryUndeliveredAsync(stoppingToken);
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

    /// <summary>
    /// At start and every DeliveryRetry after: circulars nobody delivered (archived by a process that stopped,
    /// refused by SMTP, or claimed by a replica that died) go back on the queue; the claim decides who mails them.
    /// </summary>
    private async Task RetryUndeliveredAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await using var db = database.CreateContext();
                    var now = time.GetUtcNow();
                    var undelivered = await db.Circulars
                        .Where(c => c.DeliveredAt == null && (c.DeliveryClaimUntil == null || c.DeliveryClaimUntil < now))
                        .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
                    if (undelivered.Count > 0) Enqueue(undelivered);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Looking for undelivered circulars failed; trying again later");
                }
                await Task.Delay(options.Value.Circulars.DeliveryRetry, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
