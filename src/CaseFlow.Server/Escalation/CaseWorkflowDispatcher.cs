using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Persistence;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Escalation;

/// <summary>
/// Connects cases to their escalation workflows. It reads the append-only case events behind a durable
/// cursor, so nothing is missed across restarts: a new (or reopened) case without a running workflow gets
/// one — the definition its category names, else case-escalation — and every other change is published
/// to the case's workflow as a <c>CaseChanged</c> event. Workflows treat that event as "look again" and
/// re-read the case, so an event delivered twice after a crash changes nothing.
/// </summary>
public sealed class CaseWorkflowDispatcher(
    CaseFlowDatabase database,
    CaseWriter writer,
    WorkflowEngine engine,
    IWorkflowInstanceStore instances,
    IDirectoryProvider directory,
    IOptions<CaseFlowOptions> options,
    ILogger<CaseWorkflowDispatcher> log) : BackgroundService
{
    public const string CursorName = "case-workflows";
    public const string ChangedEvent = "CaseChanged";
    private const int BatchSize = 200;

    private static readonly HashSet<CaseEventType> Starts =
        [CaseEventType.Registered, CaseEventType.Reopened, CaseEventType.SpecialCloseReversed, CaseEventType.TransferApproved];

    private long _dispatched;

    /// <summary>The id of the last case event handed to the workflows (for tests and health).</summary>
    public long Dispatched => Interlocked.Read(ref _dispatched);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cursor = await LoadCursorAsync(stoppingToken);
        Interlocked.Exchange(ref _dispatched, cursor);
        while (!stoppingToken.IsCancellationRequested)
        {
            var nextCommit = writer.NextCommit;
            try
            {
                var events = await NextEventsAsync(cursor, stoppingToken);
                foreach (var e in events)
                {
                    await DispatchAsync(e, stoppingToken);
                    cursor = e.Id;
                }
                if (events.Count > 0)
                {
                    await SaveCursorAsync(cursor, stoppingToken);
                    Interlocked.Exchange(ref _dispatched, cursor);
                    if (events.Count == BatchSize) continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The cursor has not moved past the failed event: it is tried again after a pause.
                log.LogError(ex, "Dispatching case events to workflows failed after event {Cursor}; retrying", cursor);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
                continue;
            }
            await Task.WhenAny(nextCommit, Task.Delay(options.Value.Workflows.DispatchPoll, stoppingToken)).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    private async Task DispatchAsync(CaseEvent e, CancellationToken ct)
    {
        if (Starts.Contains(e.Type) && !await HasRunningInstanceAsync(e.CaseNumber, ct))
        {
            var c = await FindCaseAsync(e.CaseNumber, ct);
            if (c is null || c.Status.IsTerminal()) return;
            var definition = directory.Current.CategoriesById.GetValueOrDefault(c.Category)?.Workflow ?? options.Value.Workflows.DefaultDefinition;
            // The id comes from the event, so replaying the same event after a crash cannot start a second instance.
            var instance = await engine.StartAsync(definition, c.Number, cancellationToken: ct, instanceId: $"{c.Number}.{e.Id}");
            log.LogDebug("Case {Case}: started {Definition} v{Version} ({Instance})", c.Number, definition, instance.DefinitionVersion, instance.Id);
            return;
        }
        await engine.PublishEventAsync(ChangedEvent, e.CaseNumber, new Dictionary<string, object?> { ["type"] = e.Type.ToString() }, ct);
    }

    private async Task<bool> HasRunningInstanceAsync(string caseNumber, CancellationToken ct)
    {
        var found = await instances.ListAsync(new InstanceQuery(CorrelationId: caseNumber, Take: 10), ct);
        return found.Any(i => i.Status is WorkflowStatus.Running or WorkflowStatus.Suspended or WorkflowStatus.Faulted);
    }

    private async Task<Case?> FindCaseAsync(string number, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Cases.FirstOrDefaultAsync(c => c.Number == number, ct);
    }

    private async Task<List<CaseEvent>> NextEventsAsync(long cursor, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        // The workflow's own changes need no echo back to it.
        return await db.CaseEvents.Where(e => e.Id > cursor && e.ActorSystem != CaseService.WorkflowActor)
            .OrderBy(e => e.Id).Take(BatchSize).ToListAsync(ct);
    }

    private async Task<long> LoadCursorAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return (await db.DispatchCursors.FirstOrDefaultAsync(d => d.Name == CursorName, ct))?.LastEventId ?? 0;
    }

    private async Task SaveCursorAsync(long cursor, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var updated = await db.DispatchCursors.Where(d => d.Name == CursorName).ExecuteUpdateAsync(s => s.SetProperty(d => d.LastEventId, cursor), ct);
        if (updated == 0)
        {
            db.DispatchCursors.Add(new DispatchCursor { Name = CursorName, LastEventId = cursor });
            await db.SaveChangesAsync(ct);
        }
    }
}
