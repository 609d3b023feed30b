using CaseFlow.Core.Cases;
using CaseFlow.Server.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Escalation;

/// <summary>
/// Finds open cases that were never armed — no due time and no live workflow instance: a database from before
/// workflows started with the case, or a start that failed and was logged — and starts their workflows through
/// the writer, as the hook would have.
/// Runs shortly after start-up and then now and then; in a healthy system it finds nothing.
/// </summary>
public sealed class CaseWorkflowRepair(CaseFlowDatabase database, CaseWriter writer, TimeSpan every, ILogger<CaseWorkflowRepair> log) : BackgroundService
{
    private const int Page = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = await RepairAsync(stoppingToken);
                if (started > 0)
                    log.LogWarning("Started the workflows of {Count} open cases that had none", started);
                await Task.Delay(every, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep; returns how many cases got a workflow.</summary>
    public async Task<int> RepairAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            List<string> orphans;
            await using (var db = database.CreateContext())
            {
                // Never armed: workable, no due time, no live instance. A case that has a due time was armed once;
                // if an administrator cancelled its instance, that was deliberate, and its clock is left as it stands.
                var workable = CaseStatusExtensions.Workable.ToArray();
                orphans = await db.Cases
                    .Where(c => workable.Contains(c.Status) && c.DueAt == null)
                    .Where(c => !db.WorkflowInstances.Any(i => i.CorrelationId == c.Number &&
                        (i.Status == WorkflowStatus.Running || i.Status == WorkflowStatus.Suspended || i.Status == WorkflowStatus.Faulted)))
                    .OrderBy(c => c.Id).Select(c => c.Number).Take(Page).ToListAsync(ct);
            }
            if (orphans.Count == 0)
                return total;
            await writer.SubmitAsync(new RepairOp(orphans), ct);
            total += orphans.Count;
            if (orphans.Count < Page)
                return total;
        }
    }

    /// <summary>Marks the cases changed in a writer batch; the hook, finding no instance, starts one for each.</summary>
    private sealed class RepairOp(IReadOnlyList<string> numbers) : WriteOp<int>
    {
        public override async Task ApplyAsync(WriteBatch batch)
        {
            foreach (var number in numbers)
                if (await batch.FindCaseAsync(number) is { } c)
                    batch.MarkChanged(c);
            SetResult(() => numbers.Count);
        }
    }
}
