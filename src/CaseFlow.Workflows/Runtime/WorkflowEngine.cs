using System.Text.Json.Nodes;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// Starts, resumes, cancels and retries instances. A step is worked out in memory (<see cref="PreparedStep"/>)
/// and committed with the version it was computed from; a commit that lost a race is rejected whole and the
/// step is redone from fresh state, so two engines over one store never apply the same resumption twice.
/// Due timers are handled a batch at a time: one claim, one read of their instances, one read of their domain
/// state (<see cref="IStepFeatureSource"/>), every step in memory, one commit for the batch. A host that holds
/// its own transaction (a case registered together with its first workflow step) prepares steps with
/// <see cref="PrepareStartAsync"/> and <see cref="PrepareDeliveryAsync"/> and writes them itself.
/// </summary>
public sealed class WorkflowEngine : IChildWorkflows
{
    private readonly ActivityRegistry _registry;
    private readonly WorkflowDefinitionService _definitions;
    private readonly IWorkflowInstanceStore _instances;
    private readonly IBookmarkStore _bookmarks;
    private readonly IStimulusStore _stimuli;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly WorkflowEngineOptions _options;
    private readonly IStepFeatureSource? _features;
    private readonly ExpressionEvaluator _evaluator = new();

    public WorkflowEngine(
        ActivityRegistry registry,
        WorkflowDefinitionService definitions,
        IWorkflowInstanceStore instances,
        IBookmarkStore bookmarks,
        IStimulusStore stimuli,
        TimeProvider time,
        IServiceProvider? services = null,
        WorkflowEngineOptions? options = null,
        IStepFeatureSource? features = null)
    {
        _registry = registry;
        _definitions = definitions;
        _instances = instances;
        _bookmarks = bookmarks;
        _stimuli = stimuli;
        _time = time;
        _services = services ?? EmptyServiceProvider.Instance;
        _options = options ?? new WorkflowEngineOptions();
        _features = features;
    }

    public string EngineId => _options.EngineId;

    public WorkflowEngineOptions Options => _options;

    /// <summary>Starts an instance of the published version; the instance stays on that version for life.
    /// Given an <paramref name="instanceId"/> (e.g. derived from a case), a repeated start returns the
    /// existing instance instead of starting a second one.</summary>
    public async Task<WorkflowInstance> StartAsync(
        string definitionId,
        string? correlationId = null,
        IReadOnlyDictionary<string, object?>? input = null,
        CancellationToken cancellationToken = default,
        string? instanceId = null,
        StepFeatures? features = null)
    {
        if (instanceId is not null && await _instances.GetAsync(instanceId, cancellationToken) is { } existing)
            return WorkflowInstance.From(existing);
        instanceId ??= RecordIds.New();
        var step = await PrepareStartAsync(definitionId, correlationId, instanceId, input, features, cancellationToken);
        var result = await _instances.CommitAsync(step.Commit, cancellationToken);
        if (!result.Committed && await _instances.GetAsync(instanceId, cancellationToken) is { } raced)
            return WorkflowInstance.From(raced);
        if (!result.Committed)
            throw new InvalidOperationException($"Starting {definitionId} failed: {result.ConflictReason}");
        await CompleteAsync(step, cancellationToken);
        return WorkflowInstance.From(step.Record);
    }

    public async Task<WorkflowInstance> StartChildAsync(string definitionId, string instanceId, string? correlationId, IReadOnlyDictionary<string, object?>? input,
        string? parentInstanceId, CancellationToken cancellationToken)
    {
        if (await _instances.GetAsync(instanceId, cancellationToken) is { } existing)
            return WorkflowInstance.From(existing);
        var step = await PrepareStartAsync(definitionId, correlationId, instanceId, input, null, cancellationToken, parentInstanceId);
        var result = await _instances.CommitAsync(step.Commit, cancellationToken);
        if (!result.Committed)
            return await _instances.GetAsync(instanceId, cancellationToken) is { } raced
                ? WorkflowInstance.From(raced)
                : throw new InvalidOperationException($"Starting {definitionId} failed: {result.ConflictReason}");
        await CompleteAsync(step, cancellationToken);
        return WorkflowInstance.From(step.Record);
    }

    /// <summary>Forgets cached versions in force that another server has since replaced (see WorkflowDefinitionService).</summary>
    public ValueTask RefreshPublishedAsync(CancellationToken cancellationToken) => _definitions.RefreshPublishedAsync(cancellationToken);

    public void RefreshPublished(IReadOnlyDictionary<string, int> inForce) => _definitions.RefreshPublished(inForce);

    /// <summary>The first step of a new instance of the published version, worked out in memory; the caller commits
    /// <see cref="PreparedStep.Commit"/> (whose expected version 0 means "insert") and then calls <see cref="CompleteAsync"/>.</summary>
    public async Task<PreparedStep> PrepareStartAsync(string definitionId, string? correlationId, string instanceId,
        IReadOnlyDictionary<string, object?>? input, StepFeatures? features, CancellationToken cancellationToken) =>
        await PrepareStartAsync(definitionId, correlationId, instanceId, input, features, cancellationToken, parentInstanceId: null);

    private async Task<PreparedStep> PrepareStartAsync(string definitionId, string? correlationId, string instanceId,
        IReadOnlyDictionary<string, object?>? input, StepFeatures? features, CancellationToken cancellationToken, string? parentInstanceId)
    {
        var published = await _definitions.GetPublishedAsync(definitionId, cancellationToken)
            ?? throw new InvalidOperationException($"Definition '{definitionId}' has no published version.");
        var definition = _definitions.Parse(published);
        var state = WorkflowRun.NewState(definition, published.Version, correlationId, input);
        state.ParentInstanceId = parentInstanceId;
        return await PrepareStepAsync(new StepPlan(instanceId, state, 0, _time.GetUtcNow(), definition, run =>
        {
            run.ScheduleStart(null);
            return run.RunAsync();
        }) { Features = features }, cancellationToken);
    }

    /// <summary>
    /// Resumes the given event waits of one instance together, as one step worked out in memory; null when none
    /// of them is still pending (the instance moved on, finished or faulted). The caller commits and completes it.
    /// </summary>
    public async Task<PreparedStep?> PrepareDeliveryAsync(InstanceRecord record, IReadOnlyList<Bookmark> waits, JsonNode? payload,
        StepFeatures? features, CancellationToken cancellationToken)
    {
        if (record.Status is not (WorkflowStatus.Suspended or WorkflowStatus.Running))
            return null;
        var state = InstanceState.Deserialize(record.State);
        var pending = waits.Where(b => IsPending(state, b)).ToList();
        if (pending.Count == 0)
            return null;
        var definition = await _definitions.LoadAsync(state.DefinitionId, state.DefinitionVersion, cancellationToken);
        return await PrepareStepAsync(new StepPlan(record.Id, state, record.Version, record.CreatedAt, definition, run =>
        {
            foreach (var b in pending)
                run.ScheduleResume(b, payload);
            return run.RunAsync();
        }) { Features = features, Previous = record }, cancellationToken);
    }

    /// <summary>
    /// Resumes every bookmark waiting for <c>(eventName, correlationId)</c>. When none waits, the event is
    /// stored and delivered to the first such bookmark that appears, so an early event is never lost
    /// (transient events, <see cref="WorkflowEngineOptions.TransientEvents"/>, are dropped instead).
    /// </summary>
    public async Task<EventDelivery> PublishEventAsync(string eventName, string? correlationId, object? payload = null, CancellationToken cancellationToken = default)
    {
        var payloadNode = ValueConverter.ToNode(payload);
        var resumed = new List<string>();
        foreach (var bookmark in await _bookmarks.FindEventBookmarksAsync(eventName, correlationId, cancellationToken))
            if (await ResumeAsync(bookmark, null, payloadNode, cancellationToken) == ResumeOutcome.Resumed)
                resumed.Add(bookmark.InstanceId!);
        if (resumed.Count > 0 || _options.TransientEvents.Contains(eventName))
            return new EventDelivery(resumed, false);

        var now = _time.GetUtcNow();
        var stimulus = new Stimulus(RecordIds.New(), eventName, correlationId, payloadNode?.ToJsonString(), now, now + _options.StimulusLifetime);
        await _stimuli.AddAsync(stimulus, cancellationToken);
        // A bookmark committed between our lookup and the insert did not see the stimulus; look again.
        foreach (var bookmark in await _bookmarks.FindEventBookmarksAsync(eventName, correlationId, cancellationToken))
        {
            if (await ResumeAsync(bookmark, stimulus, payloadNode, cancellationToken) == ResumeOutcome.Resumed)
                return new EventDelivery([bookmark.InstanceId!], false);
        }
        return new EventDelivery([], true);
    }

    /// <summary>
    /// Claims due timers and triggers in one batch and fires each; returns how many fired here. Safe to call from
    /// several engines over one store at once. While the batch is worked on, its claims are renewed, so a slow
    /// batch keeps them and a crashed engine's claims lapse after one short lease.
    /// </summary>
    public async Task<int> FireDueTimersAsync(int max = 100, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var claimed = await _bookmarks.ClaimDueTimersAsync(now, max, _options.EngineId, now + _options.TimerLease, cancellationToken);
        if (claimed.Count == 0)
            return 0;
        using var renewal = new LeaseRenewal(this, claimed.Select(b => b.Id).ToList());
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

    /// <summary>
    /// Frees the timers an earlier run of this engine (same <see cref="WorkflowEngineOptions.EngineId"/>) had
    /// claimed and not finished: that run is gone, so there is nothing to wait a lease out for.
    /// </summary>
    public ValueTask<int> ReleaseClaimsAsync(CancellationToken cancellationToken = default) =>
        _bookmarks.ReleaseClaimsAsync(_options.EngineId, cancellationToken);

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
            var step = await PrepareStepAsync(new StepPlan(instanceId, state, record.Version, record.CreatedAt, definition, run =>
            {
                run.CancelInstance(reason);
                return ValueTask.CompletedTask;
            }), cancellationToken);
            if ((await _instances.CommitAsync(step.Commit, cancellationToken)).Committed)
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
            var step = await PrepareStepAsync(new StepPlan(instanceId, state, record.Version, record.CreatedAt, definition, run =>
            {
                run.ScheduleRetry();
                return run.RunAsync();
            }) { ExistingEventWaits = existingWaits, Features = await FeaturesForAsync(record, cancellationToken) }, cancellationToken);
            if ((await _instances.CommitAsync(step.Commit, cancellationToken)).Committed)
            {
                await CompleteAsync(step, cancellationToken);
                return WorkflowInstance.From(step.Record);
            }
        }
        throw new InvalidOperationException($"Instance {instanceId} kept changing; retry gave up after {_options.MaxCommitAttempts} attempts.");
    }

    /// <summary>
    /// What follows a committed step: its after-commit actions (mail, SMS), the events it published, and any
    /// stored event that arrived for one of its new waits while it ran.
    /// </summary>
    public async Task CompleteAsync(PreparedStep step, CancellationToken cancellationToken = default)
    {
        if (step.Run is null)
            return;
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
        foreach (var b in step.Added.Where(b => b.Kind == BookmarkKind.Event && !_options.TransientEvents.Contains(b.EventName!)))
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

    private static bool IsPending(InstanceState state, Bookmark bookmark) =>
        state.Pending is { } pending && pending.TryGetValue(bookmark.ActivityId, out var ids) && ids.Contains(bookmark.Id);

    private async Task<StepFeatures?> FeaturesForAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        if (_features is null)
            return null;
        var loaded = await _features.LoadAsync([record], cancellationToken);
        return loaded.GetValueOrDefault(record.Id);
    }

    private async Task<ResumeOutcome> ResumeAsync(Bookmark bookmark, Stimulus? stimulus, JsonNode? payload, CancellationToken cancellationToken)
    {
        if (bookmark.InstanceId is null)
            return ResumeOutcome.Orphaned;
        for (var attempt = 0; attempt < _options.MaxCommitAttempts; attempt++)
        {
            var record = await _instances.GetAsync(bookmark.InstanceId, cancellationToken);
            var features = record is null ? null : await FeaturesForAsync(record, cancellationToken);
            var (outcome, prepared) = await PrepareResumeAsync(record, bookmark, stimulus, payload, features, cancellationToken);
            if (prepared is null)
                return outcome;
            var result = await _instances.CommitAsync(prepared.Commit, cancellationToken);
            if (result.Committed)
            {
                await CompleteAsync(prepared, cancellationToken);
                return ResumeOutcome.Resumed;
            }
            if (stimulus is not null)
                return ResumeOutcome.NotResumed;
        }
        return ResumeOutcome.NotResumed;
    }

    /// <summary>Runs the resumption against a loaded row without committing; null when there is nothing to resume.</summary>
    private async Task<(ResumeOutcome Outcome, PreparedStep? Step)> PrepareResumeAsync(
        InstanceRecord? record, Bookmark bookmark, Stimulus? stimulus, JsonNode? payload, StepFeatures? features, CancellationToken cancellationToken)
    {
        if (record is null || record.Status is not (WorkflowStatus.Suspended or WorkflowStatus.Running))
            return (record is null || record.Status is WorkflowStatus.Finished or WorkflowStatus.Cancelled ? ResumeOutcome.Orphaned : ResumeOutcome.NotResumed, null);
        var state = InstanceState.Deserialize(record.State);
        if (!IsPending(state, bookmark))
            return (ResumeOutcome.Orphaned, null);
        var definition = await _definitions.LoadAsync(state.DefinitionId, state.DefinitionVersion, cancellationToken);
        var step = await PrepareStepAsync(new StepPlan(record.Id, state, record.Version, record.CreatedAt, definition, run =>
        {
            run.ScheduleResume(bookmark, payload);
            return run.RunAsync();
        }) { Features = features, ConsumedStimuli = stimulus is null ? [] : [stimulus.Id], Previous = record }, cancellationToken);
        return (ResumeOutcome.Resumed, step);
    }

    /// <summary>
    /// The set-based sweep. Timers of different instances are resumed side by side: their instances are read
    /// in one query, their domain state in one more, every step runs in memory, and the batch commits in one
    /// transaction (each step accepted or refused on its own). Steps that lost a race are redone one by one
    /// from fresh state; a step that cannot even be worked out faults its instance with an incident instead of
    /// holding the batch back.
    /// </summary>
    private async Task<int> FireTimerBatchAsync(IReadOnlyList<Bookmark> timers, CancellationToken cancellationToken)
    {
        var fired = 0;
        var firstPerInstance = timers.GroupBy(t => t.InstanceId!, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var later = timers.Except(firstPerInstance).ToList();
        var records = await _instances.GetManyAsync(firstPerInstance.Select(t => t.InstanceId!).ToList(), cancellationToken);
        var features = _features is null || records.Count == 0
            ? new Dictionary<string, StepFeatures>()
            : await _features.LoadAsync(records.Values.ToList(), cancellationToken);

        var prepared = new List<(Bookmark Timer, PreparedStep Step)>();
        var orphans = new List<string>();
        foreach (var timer in firstPerInstance)
        {
            var record = records.GetValueOrDefault(timer.InstanceId!);
            try
            {
                var (outcome, step) = await PrepareResumeAsync(record, timer, null, null, features.GetValueOrDefault(timer.InstanceId!), cancellationToken);
                if (step is not null)
                    prepared.Add((timer, step));
                else if (outcome == ResumeOutcome.Orphaned)
                    orphans.Add(timer.Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && record is not null)
            {
                prepared.Add((timer, FaultStep(record, timer, ex)));
            }
        }
        if (orphans.Count > 0)
            await _bookmarks.DeleteAsync(orphans, cancellationToken);

        var results = prepared.Count == 0 ? [] : await _instances.CommitBatchAsync(prepared.Select(p => p.Step.Commit).ToList(), cancellationToken);
        var failed = new List<(Bookmark Timer, string Reason)>();
        for (var i = 0; i < prepared.Count; i++)
        {
            if (results[i].Committed)
            {
                await CompleteAsync(prepared[i].Step, cancellationToken);
                fired++;
            }
            else if (results[i].Failed)
            {
                failed.Add((prepared[i].Timer, results[i].ConflictReason ?? "the step could not be written"));
            }
            else
            {
                later.Add(prepared[i].Timer);
            }
        }
        // A step the store could not write at all would fail the same way after every lease: the instance
        // faults with the reason instead, and waits for someone to look.
        foreach (var (timer, reason) in failed)
        {
            if (records.GetValueOrDefault(timer.InstanceId!) is { } record)
                await _instances.CommitAsync(FaultStep(record, timer, new InvalidOperationException(reason)).Commit, cancellationToken);
        }

        // A step that lost its race is redone before its instance's later timers: a warning that conflicted with a
        // hand edit must still come before the breach that was due after it.
        foreach (var timer in later.OrderBy(t => t.DueAt).ThenBy(t => t.Id, StringComparer.Ordinal))
        {
            var outcome = await ResumeAsync(timer, null, null, cancellationToken);
            if (outcome == ResumeOutcome.Resumed)
                fired++;
            else if (outcome == ResumeOutcome.Orphaned)
                await _bookmarks.DeleteAsync([timer.Id], cancellationToken);
        }
        return fired;
    }

    /// <summary>
    /// A step that could not be worked out at all (its definition version is gone, its state does not read):
    /// the instance faults with an incident that says so, and the timer is consumed, so the same failure does
    /// not come round again after every lease. Retrying the instance runs the wait again.
    /// </summary>
    private PreparedStep FaultStep(InstanceRecord record, Bookmark timer, Exception ex)
    {
        var now = _time.GetUtcNow();
        InstanceState state;
        try
        {
            state = InstanceState.Deserialize(record.State);
        }
        catch (System.Text.Json.JsonException)
        {
            state = new InstanceState { DefinitionId = record.DefinitionId, DefinitionVersion = record.DefinitionVersion, CorrelationId = record.CorrelationId };
        }
        state.Status = WorkflowStatus.Faulted;
        state.FaultedActivityId = timer.ActivityId;
        state.FaultedBookmark = timer;
        state.FaultMessage = $"The timer could not be resumed: {ex.Message}";
        var journal = new JournalEntry(record.Id, ++state.JournalSequence, now, JournalKind.WorkflowFaulted, timer.ActivityId, null, null, state.FaultMessage);
        var incident = new Incident(RecordIds.New(), record.Id, timer.ActivityId, "", null, ex.GetType().FullName ?? ex.GetType().Name, state.FaultMessage, ex.StackTrace, now);
        var faulted = record with { Status = WorkflowStatus.Faulted, State = state.Serialize(), Version = record.Version + 1, UpdatedAt = now };
        var commit = new WorkflowCommit(faulted, record.Version, [], [timer.Id], [journal], [incident], [], []);
        return new PreparedStep(commit, faulted, null, []);
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
        // A schedule that cannot be worked out any more (a script now returning something else) must not
        // stop the sweep: the due start still happens, the instance carries an incident saying the schedule
        // broke, and the trigger is not rescheduled until the definition is fixed and published again.
        DateTimeOffset? nextDue = null;
        Exception? scheduleFailure = null;
        try
        {
            nextDue = schedule.NextDue(node, now, trigger.DueAt, name => node.GetInput(name) is { } input ? _evaluator.Evaluate(input, scope) : null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            scheduleFailure = ex;
        }
        List<Bookmark> next = nextDue is null ? [] : [trigger with { Id = RecordIds.New(), DueAt = nextDue, CreatedAt = now }];

        var state = WorkflowRun.NewState(definition, published.Version, null, null);
        var instanceId = RecordIds.New();
        var step = await PrepareStepAsync(new StepPlan(instanceId, state, 0, now, definition, async run =>
        {
            run.ScheduleStart(trigger.ActivityId);
            await run.RunAsync();
            if (scheduleFailure is not null)
                run.Incidents.Add(new Incident(RecordIds.New(), instanceId, node.Id, node.Type, node.Name, scheduleFailure.GetType().FullName ?? "Exception",
                    $"The trigger's schedule cannot be worked out ({scheduleFailure.Message}); no further instances start until the definition is fixed and published.",
                    scheduleFailure.StackTrace, now));
        }) { ExtraRemoved = [trigger.Id], ExtraAdded = next }, cancellationToken);
        if (!(await _instances.CommitAsync(step.Commit, cancellationToken)).Committed)
            return ResumeOutcome.NotResumed;
        await CompleteAsync(step, cancellationToken);
        return ResumeOutcome.Resumed;
    }

    private async Task<PreparedStep> PrepareStepAsync(StepPlan plan, CancellationToken cancellationToken)
    {
        var run = new WorkflowRun(plan.InstanceId, plan.State, plan.Definition, _registry, _evaluator, _services, _time, _options, cancellationToken)
        {
            Features = plan.Features ?? new StepFeatures(),
            Activities = _definitions,
            Children = this,
        };
        await plan.Body(run);
        var consumed = plan.ConsumedStimuli.ToList();
        await DeliverStoredStimuliAsync(run, plan.ExistingEventWaits, consumed, cancellationToken);

        var addedIds = run.AddedBookmarks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var removedIds = run.RemovedBookmarkIds.ToHashSet(StringComparer.Ordinal);
        // A bookmark created and consumed within the same step never reaches the store.
        var added = run.AddedBookmarks.Where(b => !removedIds.Contains(b.Id)).Concat(plan.ExtraAdded).ToList();
        var removed = run.RemovedBookmarkIds.Where(id => !addedIds.Contains(id)).Concat(plan.ExtraRemoved).Distinct().ToList();
        var effects = run.DomainEffects.Concat(run.Features.Effects).Distinct().ToList();

        var state = plan.State;
        var record = new InstanceRecord(plan.InstanceId, state.DefinitionId, state.DefinitionVersion, state.CorrelationId, state.Name, state.Status,
            state.Serialize(), plan.ExpectedVersion + 1, plan.CreatedAt, _time.GetUtcNow());
        var commit = new WorkflowCommit(record, plan.ExpectedVersion, added, removed, run.Journal, run.Incidents, consumed, effects) { Previous = plan.Previous };
        return new PreparedStep(commit, record, run, added);
    }

    /// <summary>Events stored before this step created its event bookmarks are delivered within the step.</summary>
    private async Task DeliverStoredStimuliAsync(WorkflowRun run, IReadOnlyList<Bookmark> existingWaits, List<string> consumed, CancellationToken cancellationToken)
    {
        var checkedIds = new HashSet<string>(StringComparer.Ordinal);
        while (run.State.Status == WorkflowStatus.Suspended)
        {
            var delivered = false;
            foreach (var b in existingWaits.Concat(run.AddedBookmarks)
                         .Where(b => b.Kind == BookmarkKind.Event && !_options.TransientEvents.Contains(b.EventName!) && checkedIds.Add(b.Id) && run.IsPending(b)).ToList())
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

    /// <summary>What one step is: the instance it runs on, the version it was read at, and what it does.</summary>
    private sealed record StepPlan(
        string InstanceId,
        InstanceState State,
        long ExpectedVersion,
        DateTimeOffset CreatedAt,
        WorkflowDefinition Definition,
        Func<WorkflowRun, ValueTask> Body)
    {
        public StepFeatures? Features { get; init; }
        public IReadOnlyList<string> ConsumedStimuli { get; init; } = [];
        public IReadOnlyList<string> ExtraRemoved { get; init; } = [];
        public IReadOnlyList<Bookmark> ExtraAdded { get; init; } = [];
        public IReadOnlyList<Bookmark> ExistingEventWaits { get; init; } = [];
        public InstanceRecord? Previous { get; init; }
    }

    /// <summary>Keeps a batch's claims from lapsing while it is worked on; stops when disposed.</summary>
    private sealed class LeaseRenewal : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public LeaseRenewal(WorkflowEngine engine, IReadOnlyList<string> ids)
        {
            var every = engine._options.TimerLease / 3;
            _ = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        // Real time, not business time: a lease is about how long a process may be silent.
                        await Task.Delay(every, _stop.Token);
                        var now = engine._time.GetUtcNow();
                        await engine._bookmarks.RenewClaimsAsync(ids, engine._options.EngineId, now + engine._options.TimerLease, _stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception)
                {
                    // A failed renewal only shortens the claim to its lease; the commit's own checks keep it exact.
                }
            });
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
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

/// <summary>
/// One step worked out in memory: the commit that records it (instance row at its new version, bookmarks,
/// journal, incidents, domain effects) and what must follow once it is committed (<see cref="WorkflowEngine.CompleteAsync"/>).
/// </summary>
public sealed class PreparedStep
{
    internal PreparedStep(WorkflowCommit commit, InstanceRecord record, WorkflowRun? run, IReadOnlyList<Bookmark> added)
    {
        Commit = commit;
        Record = record;
        Run = run;
        Added = added;
    }

    public WorkflowCommit Commit { get; }
    public InstanceRecord Record { get; }

    /// <summary>The waits the step added (timers, event bookmarks).</summary>
    public IReadOnlyList<Bookmark> Added { get; }

    internal WorkflowRun? Run { get; }
}
