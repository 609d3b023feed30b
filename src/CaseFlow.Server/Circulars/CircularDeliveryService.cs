using System.Threading.Channels;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Circulars;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// Prints and mails circulars off the workflow timer pump: launching Chromium and talking to SMTP take
/// seconds, and the pump's batch would otherwise hold every case's due timer back for that long. At start
/// it picks up circulars a stopped process archived but never delivered.
/// </summary>
public sealed class CircularDeliveryService(CaseFlowDatabase database, PdfPrinter printer, CircularMailer mailer, CircularOptions options,
    PersistenceOptions persistence, TimeProvider time, ILogger<CircularDeliveryService> log) : BackgroundService
{
    private readonly Channel<IReadOnlyList<long>> _queue = Channel.CreateUnbounded<IReadOnlyList<long>>();

    /// <summary>Queues circulars for delivery; the caller (a workflow step) does not wait for Chromium or SMTP.</summary>
    public void Enqueue(IReadOnlyList<long> circularIds) => _queue.Writer.TryWrite(circularIds);

    /// <summary>
    /// Prints and mails the given circulars now, each at most once across replicas; a circular already delivered or
    /// claimed by another replica is skipped.
    /// </summary>
    public async Task DeliverNowAsync(IReadOnlyList<long> circularIds, CancellationToken ct)
    {
        // Claimed before anything is printed or sent: replicas sharing the database all look for undelivered
        // circulars, and the conditional UPDATE lets exactly one of them take each (PostgreSQL re-checks the
        // condition on a row another transaction just claimed). A replica that dies mid-delivery leaves a claim
        // that runs out after DeliveryLease; the mail it may have sent just before dying is the one duplicate
        // that can happen, as with any mailer that cannot send and record in one transaction.
        var claim = $"{persistence.ReplicaId}/{Guid.NewGuid():N}";
        var now = time.GetUtcNow();
        var until = now + options.DeliveryLease;
        List<CircularRow> pending;
        await using (var db = database.CreateContext())
        {
            await db.Circulars
                .Where(c => circularIds.Contains(c.Id) && c.DeliveredAt == null && (c.DeliveryClaimUntil == null || c.DeliveryClaimUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeliveryClaim, claim).SetProperty(c => c.DeliveryClaimUntil, until), ct);
            pending = await db.Circulars.Where(c => c.DeliveryClaim == claim && c.DeliveredAt == null).OrderBy(c => c.Id).ToListAsync(ct);
        }
        if (pending.Count == 0) return;
        var pdfs = await printer.PrintAsync(pending.Select(c => c.Html).ToList(), ct);
        for (var i = 0; i < pending.Count; i++)
        {
            var c = pending[i];
            var recipients = c.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries);
            string note;
            if (!mailer.Configured)
                note = "Archived; no SMTP server is configured (CaseFlow:Smtp:Host), so nothing was mailed.";
            else if (recipients.Length == 0)
                note = "Archived; the directory has no e-mail address for the recipients.";
            else
            {
                try
                {
                    await mailer.SendAsync(c.Subject, recipients, c.Html, pdfs[i].Pdf, c.LetterNumber.Replace('/', '-'), ct);
                    note = $"Mailed to {recipients.Length} recipient(s).";
                }
                catch (Exception e) when (e is MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException or IOException
                                              or System.Net.Sockets.SocketException or MailKit.ServiceNotConnectedException or TimeoutException)
                {
                    // Left undelivered so the next delivery attempt mails it; the archive has it either way.
                    log.LogWarning(e, "Mailing circular {Id} failed", c.Id);
                    continue;
                }
            }
            await using var db = database.CreateContext();
            await db.Circulars.Where(x => x.Id == c.Id && x.DeliveredAt == null && x.DeliveryClaim == claim).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Pdf, pdfs[i].Pdf)
                .SetProperty(x => x.PdfSkippedReason, pdfs[i].SkippedReason)
                .SetProperty(x => x.DeliveredAt, time.GetUtcNow())
                .SetProperty(x => x.DeliveryNote, note)
                .SetProperty(x => x.DeliveryClaim, (string?)null)
                .SetProperty(x => x.DeliveryClaimUntil, (DateTimeOffset?)null), ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            _ = RetryUndeliveredAsync(stoppingToken);
            await foreach (var ids in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await DeliverNowAsync(ids, stoppingToken);
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
                await Task.Delay(options.DeliveryRetry, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
