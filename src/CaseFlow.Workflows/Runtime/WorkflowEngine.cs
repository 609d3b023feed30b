using System.Text.Json;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// Starts, resumes, cancels and retries instances. Every step is one commit carrying the new state with
/// the version it was computed from; a commit that lost a race is rejected whole and the step is redone
/// from fresh state, so two engines over one store never apply the same resumption twice.
/// </summary>
public sealed class WorkflowEngine
{
    private readonly ActivityRegistry _registry;
    private readonly WorkflowDefinitionService _definitions;
    private readonly IWorkflowInstanceStore _instances;
    private readonly IBookmarkStore _bookmarks;
    private readonly IStimulusStore _stimuli;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly WorkflowEngineOptions _options;
    private readonly ExpressionEvaluator _evaluator = new();

    public WorkflowEngine(
        ActivityRegistry registry,
        WorkflowDefinitionService definitions,
        IWorkflowInstanceStore instances,
        IBookmarkStore bookmarks,
        IStimulusStore stimuli,
        TimeProvider time,
        IServiceProvider? services = null,
        WorkflowEngineOptions? options = null)
    {
        _registry = registry;
        _definitions = definitions;
        _instances = instances;
        _bookmarks = bookmarks;
        _stimuli = stimuli;
        _time = time;
        _services = services ?? EmptyServiceProvider.Instance;
        _options = options ?? new WorkflowEngineOptions();
    }

    public string EngineId => _options.EngineId;

    /// <summary>Starts an instance of the published version; the instance stays on that version for life.
    /// Given an <paramref name="instanceId"/> (e.g. derived from a case), a repeated start returns the
    /// existing instance instead of starting a second one.</summary>
    public async Task<WorkflowInstance> StartAsync(
        string definitionId,
        string? correlationId = null,
        IReadOnlyDictionary<string, object?>? input = null,
        CancellationToken cancellationToken = default,
        string? instanceId = null)
    {
        if (instanceId is not null && await _instances.GetAsync(instanceId, cancellationToken) is { } existing)
            return WorkflowInstance.From(existing);
        var published = await _definitions.GetPublishedAsync(definitionId, cancellationToken)
            ?? throw new InvalidOperationException($"Definition '{definitionId}' has no published version.");
        var definition = _definitions.Parse(published);
        var state = WorkflowRun.NewState(definition, published.Version, correlationId, input);
        instanceId ??= NewId();
        var step = await ExecuteStepAsync(instanceId, state, 0, _time.GetUtcNow(), definition, run =>
        {
            run.ScheduleStart(null);
            return run.RunAsync();
        }, [], [], cancellationToken);
        if (!step.Result.Committed && await _instances.GetAsync(instanceId, cancellationToken) is { } raced)
            return WorkflowInstance.From(raced);
        if (!step.Result.Committed)
            throw new InvalidOperationException($"Starting {definitionId} failed: {step.Result.ConflictReason}");
        await AfterCommitAsync(step.Prepared, cancellationToken);
        return WorkflowInstance.From(step.Record);
    }

    /// <summary>
    /// Resumes every bookmark waiting for <c>(eventName, correlationId)</c>. When none waits, the event is
    /// stored and delivered to the first such bookmark that appears, so an early event is never lost.
    /// </summary>
    public async Task<EventDelivery> PublishEventAsync(string eventName, string? correlationId, object? payload = null, CancellationToken cancellationToken = default)
    {
        var payloadNode = ValueConverter.ToNode(payload);
        var resumed = new List<string>();
        foreach (var bookmark in await _bookmarks.FindEventBookmarksAsync(eventName, correlationId, cancellationToken))
            if (await ResumeAsync(bookmark, null, payloadNode, cancellationToken) == ResumeOutcome.Resumed)
                resumed.Add(bookmark.InstanceId!);
        if (resumed.Count > 0)
            return new EventDelivery(resumed, false);

        var now = _time.GetUtcNow();
        var stimulus = new Stimulus(NewId(), eventName, correlationId, payloadNode?.ToJsonString(), now, now + _options.StimulusLifetime);
        await _stimuli.AddAsync(stimulus, cancellationToken);
        // A bookmark committed between our lookup and the insert did not see the stimulus; look again.
        foreach (var bookmark in await _bookmarks.FindEventBookmarksAsync(eventName, correlationId, cancellationToken))
        {
            if (await ResumeAsync(bookmark, stimulus, payloadNode, cancellationToken) == ResumeOutcome.Resumed)
                return new EventDelivery([bookmark.InstanceId!], false);
        }
        return new EventDelivery([], true);
    }

    /// <summary>Claims due timers and triggers in one batch and fires each; returns how many fired here.
    /// Safe to call from several engines over one store at once.</summary>
    public async Task<int> FireDueTimersAsync(int max = 100, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var claimed = await _bookmarks.ClaimDueTimersAsync(now, max, _options.EngineId, now + _options.TimerLease, cancellationToken);
        var fired = await FireTimerBatchAsync(claimed.Where(b => b.Kind == BookmarkKind.Timer).ToList(), cancellationToken);
        foreach (var trigger in claimed.Where(b => b.Kind == BookmarkKind.Trigger))
        {
            var outcome = await FireTriggerAsync(trigger, cancellationToken);
            if (outcome == ResumeOutcome.Resumed)
                fired++;
            else if (outcome == ResumeOutcome.Orphaned)
                await _bookmarks.DeleteAsync([trigger.Id], cancellationToken);
        }
        return fired;
    }

    /// <summary>Fires timers until none is due (at the current time); for start-up catch-up and tests.</summary>
    public async Task<int> FireAllDueTimersAsync(int batchSize = 100, CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var next = await _bookmarks.NextDueAtAsync(cancellationToken);
            if (next is null || next > _time.GetUtcNow())
                return total;
            var fired = await FireDueTimersAsync(batchSize, cancellationToken);
            total += fired;
            if (fired == 0)
                return total;
        }
    }

    /// <summary>Deletes stored events past their lifetime (see <see cref="WorkflowEngineOptions.StimulusLifetime"/>).</summary>
    public async Task<int> PurgeExpiredStimuliAsync(CancellationToken cancellationToken = default) =>
        await _stimuli.DeleteExpiredAsync(_time.GetUtcNow(), cancellationToken);

    public async Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var record = await _instances.GetAsync(instanceId, cancellationToken);
        return record is null ? null : WorkflowInstance.From(record);
    }

    /// <summary>Cancels a running or suspended instance and removes its bookmarks and timers.</summary>
    public async Task<WorkflowInstance?> CancelAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < _options.MaxCommitAttempts; attempt++)
        {
            var record = await _instances.GetAsync(instanceId, cancellationToken);
            if (record is null)
                return null;
            if (record.Status is WorkflowStatus.Finished or WorkflowStatus.Cancelled)
                return WorkflowInstance.From(record);
            var state = InstanceState.Deserialize(record.State);
            var definition = await _definitions.LoadAsync(state.DefinitionId, state.DefinitionVersion, cancellationToken);
            var step = await ExecuteStepAsync(instanceId, state, record.Version, record.CreatedAt, definition, run =>
            {
                run.CancelInstance(reason);
                return ValueTask.CompletedTask;
            }, [], [], cancellationToken);
            if (step.Result.Committed)
                return WorkflowInstance.From(step.Record);
        }
        throw new InvalidOperationException($"Instance {instanceId} kept changing; cancel gave up after {_options.MaxCommitAttempts} attempts.");
    }

    /// <summary>Re-runs the activity that faulted (and whatever was scheduled after it).</summary>
    public async Task<WorkflowInstance> RetryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < _options.MaxCommitAttempts; attempt++)
        {
            var record = await _instances.GetAsync(instanceId, cancellationToken)
                ?? throw new KeyNotFoundException($"Instance {instanceId} does not exist.");
            if (record.Status != WorkflowStatus.Faulted)
                throw new InvalidOperationException($"Instance {instanceId} is {record.Status}, not Faulted; only a faulted instance can be retried.");
            var state = InstanceState.Deserialize(record.State);
            var definition = await _definitions.LoadAsync(state.DefinitionId, state.DefinitionVersion, cancellationToken);
            // Events that arrived while it was faulted were stored; its existing event waits get them now.
            var existingWaits = (await _bookmarks.ListForInstanceAsync(instanceId, cancellationToken)).Where(b => b.Kind == BookmarkKind.Event).ToList();
            var step = await ExecuteStepAsync(instanceId, state, record.Version, record.CreatedAt, definition, run =>
            {
                run.ScheduleRetry();
                return run.RunAsync();
            }, [], [], cancellationToken, existingEventWaits: existingWaits);
            if (step.Result.Committed)
            {
                await AfterCommitAsync(step.Prepared, cancellationToken);
                return WorkflowInstance.From(step.Record);
            }
        }
        throw new InvalidOperationException($"Instance {instanceId} kept changing; retry gave up after {_options.MaxCommitAttempts} attempts.");
    }

    private async Task<ResumeOutcome> ResumeAsync(Bookmark bookmark, Stimulus? stimulus, JsonNode? payload, CancellationToken cancellationToken)
    {
        if (bookmark.InstanceId is null)
            return ResumeOutcome.Orphaned;
        for (var attempt = 0; attempt < _options.MaxCommitAttempts; attempt++)
        {
            var record = await _instances.GetAsync(bookmark.InstanceId, cancellationToken);
            var (outcome, prepared) = await PrepareResumeAsync(record, bookmark, stimulus, payload, cancellationToken);
            if (prepared is null)
                return outcome;
            var result = await _instances.CommitAsync(prepared.Commit, cancellationToken);
            if (result.Committed)
            {
                await AfterCommitAsync(prepared, cancellationToken);
                return ResumeOutcome.Resumed;
            }
            if (stimulus is not null)
                return ResumeOutcome.NotResumed;
        }
        return ResumeOutcome.NotResumed;
    }

    /// <summary>Runs the resumption against a loaded row without committing; null when there is nothing to resume.</summary>
    private async Task<(ResumeOutcome Outcome, PreparedStep? Step)> PrepareResumeAsync(
        InstanceRecord? record, Bookmark bookmark, Stimulus? stimulus, JsonNode? payload, CancellationToken cancellationToken)
    {
        if (record is null || record.Status is not (WorkflowStatus.Suspended or WorkflowStatus.Running))
            return (record is null || record.Status is WorkflowStatus.Finished or WorkflowStatus.Cancelled ? ResumeOutcome.Orphaned : ResumeOutcome.NotResumed, null);
        var state = InstanceState.Deserialize(record.State);
        if (state.Pending is not { } pending || !pending.TryGetValue(bookmark.ActivityId, out var ids) || !ids.Contains(bookmark.Id))
            return (ResumeOutcome.Orphaned, null);
        var definition = await _definitions.LoadAsync(state.DefinitionId, state.DefinitionVersion, cancellationToken);
        var step = await PrepareStepAsync(record.Id, state, record.Version, record.CreatedAt, definition, run =>
        {
            run.ScheduleResume(bookmark, payload);
            return run.RunAsync();
        }, stimulus is null ? [] : [stimulus.Id], [], cancellationToken);
        return (ResumeOutcome.Resumed, step);
    }

    /// <summary>Timers of different instances are resumed side by side and committed in one batch (one
    /// transaction in a database store); any that lose a race fall back to the one-by-one path.</summary>
    private async Task<int> FireTimerBatchAsync(IReadOnlyList<Bookmark> timers, CancellationToken cancellationToken)
    {
        var fired = 0;
        var firstPerInstance = timers.GroupBy(t => t.InstanceId!, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var later = timers.Except(firstPerInstance).ToList();
        var records = await _instances.GetManyAsync(firstPerInstance.Select(t => t.InstanceId!).ToList(), cancellationToken);

        var prepared = new List<(Bookmark Timer, PreparedStep Step)>();
        foreach (var timer in firstPerInstance)
        {
            var (outcome, step) = await PrepareResumeAsync(records.GetValueOrDefault(timer.InstanceId!), timer, null, null, cancellationToken);
            if (step is not null)
                prepared.Add((timer, step));
            else if (outcome == ResumeOutcome.Orphaned)
                await _bookmarks.DeleteAsync([timer.Id], cancellationToken);
        }

        var results = prepared.Count == 0 ? [] : await _instances.CommitBatchAsync(prepared.Select(p => p.Step.Commit).ToList(), cancellationToken);
        for (var i = 0; i < prepared.Count; i++)
        {
            if (results[i].Committed)
            {
                await AfterCommitAsync(prepared[i].Step, cancellationToken);
                fired++;
            }
            else
            {
                later.Add(prepared[i].Timer);
            }
        }

        foreach (var timer in later)
        {
            var outcome = await ResumeAsync(timer, null, null, cancellationToken);
            if (outcome == ResumeOutcome.Resumed)
                fired++;
            else if (outcome == ResumeOutcome.Orphaned)
                await _bookmarks.DeleteAsync([timer.Id], cancellationToken);
        }
        return fired;
    }

    private async Task<ResumeOutcome> FireTriggerAsync(Bookmark trigger, CancellationToken cancellationToken)
    {
        var published = await _definitions.GetPublishedAsync(trigger.DefinitionId, cancellationToken);
        if (published is null || published.Version != trigger.DefinitionVersion)
            return ResumeOutcome.Orphaned;
        var definition = _definitions.Parse(published);
        if (!definition.ActivitiesById.TryGetValue(trigger.ActivityId, out var node) || _registry.Find(node.Type) is not ITimerTrigger schedule)
            return ResumeOutcome.Orphaned;

        var now = _time.GetUtcNow();
        var scope = new EmptyExpressionScope(definition.Variables);
        var nextDue = schedule.NextDue(node, now, trigger.DueAt, name => node.GetInput(name) is { } input ? _evaluator.Evaluate(input, scope) : null);
        List<Bookmark> next = nextDue is null ? [] : [trigger with { Id = NewId(), DueAt = nextDue, CreatedAt = now }];

        var state = WorkflowRun.NewState(definition, published.Version, null, null);
        var step = await ExecuteStepAsync(NewId(), state, 0, now, definition, run =>
        {
            run.ScheduleStart(trigger.ActivityId);
            return run.RunAsync();
        }, [], [trigger.Id], cancellationToken, next);
        if (!step.Result.Committed)
            return ResumeOutcome.NotResumed;
        await AfterCommitAsync(step.Prepared, cancellationToken);
        return ResumeOutcome.Resumed;
    }

    private async Task<Step> ExecuteStepAsync(
        string instanceId,
        InstanceState state,
        long expectedVersion,
        DateTimeOffset createdAt,
        WorkflowDefinition definition,
        Func<WorkflowRun, ValueTask> body,
        List<string> consumedStimuli,
        IReadOnlyList<string> extraRemovedBookmarks,
        CancellationToken cancellationToken,
        IReadOnlyList<Bookmark>? extraAddedBookmarks = null,
        IReadOnlyList<Bookmark>? existingEventWaits = null)
    {
        var prepared = await PrepareStepAsync(instanceId, state, expectedVersion, createdAt, definition, body, consumedStimuli, extraRemovedBookmarks,
            cancellationToken, extraAddedBookmarks, existingEventWaits);
        var result = await _instances.CommitAsync(prepared.Commit, cancellationToken);
        return new Step(result, prepared);
    }

    private async Task<PreparedStep> PrepareStepAsync(
        string instanceId,
        InstanceState state,
        long expectedVersion,
        DateTimeOffset createdAt,
        WorkflowDefinition definition,
        Func<WorkflowRun, ValueTask> body,
        List<string> consumedStimuli,
        IReadOnlyList<string> extraRemovedBookmarks,
        CancellationToken cancellationToken,
        IReadOnlyList<Bookmark>? extraAddedBookmarks = null,
        IReadOnlyList<Bookmark>? existingEventWaits = null)
    {
        var run = new WorkflowRun(instanceId, state, definition, _registry, _evaluator, _services, _time, _options, cancellationToken);
        await body(run);
        await DeliverStoredStimuliAsync(run, existingEventWaits ?? [], consumedStimuli, cancellationToken);

        var addedIds = run.AddedBookmarks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var removedIds = run.RemovedBookmarkIds.ToHashSet(StringComparer.Ordinal);
        // A bookmark created and consumed within the same step never reaches the store.
        var added = run.AddedBookmarks.Where(b => !removedIds.Contains(b.Id)).Concat(extraAddedBookmarks ?? []).ToList();
        var removed = run.RemovedBookmarkIds.Where(id => !addedIds.Contains(id)).Concat(extraRemovedBookmarks).Distinct().ToList();

        var record = new InstanceRecord(instanceId, state.DefinitionId, state.DefinitionVersion, state.CorrelationId, state.Name, state.Status,
            state.Serialize(), expectedVersion + 1, createdAt, _time.GetUtcNow());
        var commit = new WorkflowCommit(record, expectedVersion, added, removed, run.Journal, run.Incidents, consumedStimuli, run.DomainEffects);
        return new PreparedStep(commit, record, run, added);
    }

    /// <summary>Events stored before this step created its event bookmarks are delivered within the step.</summary>
    private async Task DeliverStoredStimuliAsync(WorkflowRun run, IReadOnlyList<Bookmark> existingWaits, List<string> consumed, CancellationToken cancellationToken)
    {
        var checkedIds = new HashSet<string>(StringComparer.Ordinal);
        while (run.State.Status == WorkflowStatus.Suspended)
        {
            var delivered = false;
            foreach (var b in existingWaits.Concat(run.AddedBookmarks).Where(b => b.Kind == BookmarkKind.Event && checkedIds.Add(b.Id) && run.IsPending(b)).ToList())
            {
                var now = _time.GetUtcNow();
                var stimulus = (await _stimuli.FindAsync(b.EventName!, b.CorrelationId, cancellationToken))
                    .FirstOrDefault(s => !consumed.Contains(s.Id) && !(s.ExpiresAt <= now));
                if (stimulus is null)
                    continue;
                consumed.Add(stimulus.Id);
                run.ScheduleResume(b, stimulus.PayloadJson is null ? null : JsonNode.Parse(stimulus.PayloadJson));
                delivered = true;
            }
            if (!delivered)
                return;
            await run.RunAsync();
        }
    }

    private async Task AfterCommitAsync(PreparedStep step, CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        foreach (var action in step.Run.AfterCommitActions)
        {
            try
            {
                await action();
            }
            catch (Exception ex)
            {
                // The step is committed whatever a side effect does; report after the rest have run.
                (failures ??= []).Add(ex);
            }
        }

        foreach (var (name, correlationId, payload) in step.Run.PublishedEvents)
            await PublishEventAsync(name, correlationId, payload, cancellationToken);

        // A stimulus stored while this step ran did not see its bookmark, and the step did not see the stimulus.
        foreach (var b in step.Added.Where(b => b.Kind == BookmarkKind.Event))
        {
            var now = _time.GetUtcNow();
            var stimulus = (await _stimuli.FindAsync(b.EventName!, b.CorrelationId, cancellationToken)).FirstOrDefault(s => !(s.ExpiresAt <= now));
            if (stimulus is null)
                continue;
            var payload = stimulus.PayloadJson is null ? null : JsonNode.Parse(stimulus.PayloadJson);
            await ResumeAsync(b, stimulus, payload, cancellationToken);
        }

        if (failures is not null)
            throw new AggregateException("The step committed, but an after-commit action failed.", failures);
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private sealed record PreparedStep(WorkflowCommit Commit, InstanceRecord Record, WorkflowRun Run, IReadOnlyList<Bookmark> Added);

    private sealed record Step(CommitResult Result, PreparedStep Prepared)
    {
        public InstanceRecord Record => Prepared.Record;
    }

    private enum ResumeOutcome
    {
        Resumed,

        /// <summary>Lost a race or the instance is faulted; the bookmark stays for a later attempt.</summary>
        NotResumed,

        /// <summary>Nothing waits on this bookmark any more (instance gone, finished, or the wait consumed).</summary>
        Orphaned,
    }
}
