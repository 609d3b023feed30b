using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Escalation;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Workflows;
using CaseFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Escalation;

/// <summary>
/// Connects cases to their escalation workflows inside the writer's transaction, so a case is never without its
/// clock and never waits for a dispatcher to catch up:
/// <list type="bullet">
/// <item>a case registered in the batch gets its workflow's first step (L1 assignment, due time, timers) before it is
///   written, so the case that CreateCase returns already carries its L1 due time;</item>
/// <item>a case a request changed has its workflow told to look again (a <c>CaseChanged</c> poke to the event waits of
///   its instance), in the same commit: a resolution stops the clock, a reopening or an approved transfer starts a
///   fresh limit, a rejected proposal restores the old one;</item>
/// <item>a changed case that is still open but has no live instance (its workflow ended, or never started) gets a new one.</item>
/// </list>
/// Workflows treat the poke as "look again" and re-read the case, so a poke that is lost (the step could not be
/// worked out, and the failure is logged) is made good by the case's next timer, and <see cref="CaseWorkflowRepair"/>
/// starts what a failure left without an instance.
/// </summary>
public sealed class CaseWorkflowHook(WorkflowEngine engine, IDirectoryProvider directory, string defaultDefinition, ILogger<CaseWorkflowHook> log)
    : IWriteBatchHook
{
    public const string ChangedEvent = "CaseChanged";

    public async Task OnBatchAsync(WriteBatch batch, CancellationToken ct)
    {
        var steps = new List<(PreparedStep Step, CaseStep Case, bool NewCase)>();
        // Replicas share the definitions: a version another one published just now must start this batch's cases.
        if (batch.NewCases.Count > 0)
        {
            // On SQLite one prepared read on the writer's connection; elsewhere the store's own read.
            if (batch.Sets is { } sets) engine.RefreshPublished(sets.PublishedVersions());
            else await engine.RefreshPublishedAsync(ct);
        }
        foreach (var entry in batch.NewCases)
            await StartAsync(steps, entry.Case, newCase: true, ct);
        if (batch.ChangedCases.Count > 0)
            await PokeAsync(batch, steps, batch.ChangedCases, ct);
        await WriteAsync(batch, steps);
    }

    /// <summary>The definition a case's category names, else the default escalation.</summary>
    public string DefinitionFor(Case c) => directory.Current.CategoriesById.GetValueOrDefault(c.Category)?.Workflow ?? defaultDefinition;

    private async Task StartAsync(List<(PreparedStep, CaseStep, bool)> steps, Case c, bool newCase, CancellationToken ct)
    {
        var step = new CaseStep(c, ownedByCaller: true);
        PreparedStep prepared;
        try
        {
            // The instance id comes from the case and its version, so no two starts of the same moment can both land.
            prepared = await engine.PrepareStartAsync(DefinitionFor(c), c.Number, $"{c.Number}.{c.Version}", null, StepFeatures.Of(step), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Case {Case}: its workflow could not be started with the case; the repair sweep will start it", c.Number);
            return;
        }
        steps.Add((prepared, step, newCase));
    }

    private async Task PokeAsync(WriteBatch batch, List<(PreparedStep, CaseStep, bool)> steps, IReadOnlyList<Case> changed, CancellationToken ct)
    {
        var numbers = changed.Select(c => c.Number).ToList();
        // Read inside the transaction: they include what workflow steps earlier in this batch wrote.
        var instances = (await batch.Db.WorkflowInstances.AsNoTracking()
                .Where(i => numbers.Contains(i.CorrelationId!) && (i.Status == WorkflowStatus.Running || i.Status == WorkflowStatus.Suspended || i.Status == WorkflowStatus.Faulted))
                .ToListAsync(ct))
            .GroupBy(i => i.CorrelationId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id, StringComparer.Ordinal).First(), StringComparer.Ordinal);
        var waits = (await batch.Db.WorkflowBookmarks.AsNoTracking()
                .Where(b => b.Kind == BookmarkKind.Event && b.EventName == ChangedEvent && numbers.Contains(b.CorrelationId!))
                .ToListAsync(ct))
            .Select(b => b.ToRecord())
            .ToLookup(b => b.InstanceId!, StringComparer.Ordinal);

        foreach (var c in changed)
        {
            if (!instances.TryGetValue(c.Number, out var row))
            {
                if (!c.IsFinished())
                    await StartAsync(steps, c, newCase: false, ct);
                continue;
            }
            // A faulted instance is left for an administrator to retry; its activities re-read the case then.
            if (row.Status == WorkflowStatus.Faulted || !waits.Contains(row.Id))
                continue;
            var step = new CaseStep(c, ownedByCaller: true);
            PreparedStep? prepared;
            try
            {
                prepared = await engine.PrepareDeliveryAsync(row.ToRecord(), waits[row.Id].ToList(), null, StepFeatures.Of(step), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Case {Case}: its workflow could not be told of the change; its next timer will look again", c.Number);
                continue;
            }
            if (prepared is not null)
                steps.Add((prepared, step, false));
        }
    }

    /// <summary>
    /// The steps' workflow rows, written together; their case changes are already on the batch's own case objects,
    /// and their events follow the cases' rows. Inside the writer's transaction nothing else writes these rows, so
    /// the checks a step from outside would need cannot fail here.
    /// </summary>
    private async Task WriteAsync(WriteBatch batch, List<(PreparedStep Step, CaseStep Case, bool NewCase)> steps)
    {
        if (steps.Count == 0)
            return;
        if (batch.Sets is { } sets)
        {
            await batch.WorkflowRows.WriteCheckedAsync(steps.Select(s => s.Step.Commit).ToList(), sets, batch.Transaction);
        }
        else
        {
            foreach (var (step, c, _) in steps)
                if (await batch.UnderSavepointAsync(() => batch.WorkflowRows.WriteAsync(step.Commit, batch.Transaction)) is { } refused)
                    throw new InvalidOperationException($"Case {c.Case.Number}: its workflow step was refused inside the writer's transaction: {refused}");
        }
        foreach (var (step, c, newCase) in steps)
        {
            foreach (var e in c.Events)
            {
                if (newCase) batch.AddNewCaseEvent(e);
                else batch.AddEvent(e);
            }
            batch.AfterCommit(() => engine.CompleteAsync(step));
        }
    }
}
