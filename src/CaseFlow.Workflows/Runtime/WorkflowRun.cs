using System.Text;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// One step of one instance: runs scheduled activities until nothing is runnable, applying Elsa's
/// counter-based flowchart rules, and collects everything the step's commit must carry.
/// </summary>
internal sealed class WorkflowRun : IExpressionScope
{
    private readonly ActivityRegistry _registry;
    private readonly FlowGraph _graph;
    private readonly Queue<WorkItem> _queue = new();
    private readonly Dictionary<string, VariableDefinition> _variablesByKey = new(StringComparer.Ordinal);
    private char[] _connectionStates;
    private readonly WorkflowEngineOptions _options;
    // The step's budget (activities run, wall-clock time) is counted across RunAsync calls: delivering stored
    // events runs the same step again.
    private int _executed;
    private long _startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private int _journalDropped;

    public WorkflowRun(
        string instanceId,
        InstanceState state,
        WorkflowDefinition definition,
        ActivityRegistry registry,
        ExpressionEvaluator evaluator,
        IServiceProvider services,
        TimeProvider time,
        WorkflowEngineOptions options,
        CancellationToken cancellationToken)
    {
        _options = options;
        InstanceId = instanceId;
        State = state;
        Definition = definition;
        _registry = registry;
        Evaluator = evaluator;
        Services = services;
        Time = time;
        Now = time.GetUtcNow();
        CancellationToken = cancellationToken;
        _graph = FlowGraph.For(definition);
        foreach (var v in definition.Variables)
        {
            _variablesByKey.TryAdd(v.Name, v);
            _variablesByKey.TryAdd(v.Id, v);
        }
        var cs = state.ConnectionStates ?? "";
        _connectionStates = cs.Length == definition.Connections.Count ? cs.ToCharArray() : new string('0', definition.Connections.Count).ToCharArray();
    }

    public string InstanceId { get; }
    public InstanceState State { get; }
    public WorkflowDefinition Definition { get; }
    public ExpressionEvaluator Evaluator { get; }
    public IServiceProvider Services { get; }
    public TimeProvider Time { get; }

    /// <summary>The moment of the step: read once, so every activity, timer and journal entry of a step agrees on it.</summary>
    public DateTimeOffset Now { get; }
    public CancellationToken CancellationToken { get; }

    public List<Bookmark> AddedBookmarks { get; } = [];
    public List<string> RemovedBookmarkIds { get; } = [];
    public List<JournalEntry> Journal { get; } = [];
    public List<Incident> Incidents { get; } = [];
    public List<(string EventName, string? CorrelationId, JsonNode? Payload)> PublishedEvents { get; } = [];
    public List<IStepEffect> DomainEffects { get; } = [];
    public StepFeatures Features { get; init; } = new();
    public List<Func<ValueTask>> AfterCommitActions { get; } = [];

    public IReadOnlyList<VariableDefinition> VariableDefinitions => Definition.Variables;

    public string? CorrelationId
    {
        get => State.CorrelationId;
        set => State.CorrelationId = value;
    }

    string? IExpressionScope.InstanceId => InstanceId;

    public static InstanceState NewState(WorkflowDefinition definition, int version, string? correlationId, IReadOnlyDictionary<string, object?>? input)
    {
        var state = new InstanceState
        {
            DefinitionId = definition.DefinitionId,
            DefinitionVersion = version,
            Status = WorkflowStatus.Running,
            CorrelationId = correlationId,
        };
        foreach (var v in definition.Variables)
        {
            if (v.Value is not { } value)
                continue;
            var node = ValueConverter.ForType(ValueConverter.ToNode(value), v.TypeName);
            if (node is not null)
                (state.Variables ??= new(StringComparer.Ordinal))[v.Name] = node;
        }
        if (input is { Count: > 0 })
        {
            state.Input = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var (k, v) in input)
                state.Input[k] = ValueConverter.ToNode(v);
        }
        return state;
    }

    public JsonNode? GetVariable(string nameOrId)
    {
        var name = _variablesByKey.TryGetValue(nameOrId, out var def) ? def.Name : nameOrId;
        return State.Variables is { } vars && vars.TryGetValue(name, out var value) ? value?.DeepClone() : null;
    }

    public void SetVariable(string nameOrId, JsonNode? value)
    {
        var def = _variablesByKey.GetValueOrDefault(nameOrId);
        var name = def?.Name ?? nameOrId;
        value = ValueConverter.ForType(value, def?.TypeName);
        State.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (value is null)
            State.Variables.Remove(name);
        else
            State.Variables[name] = value;
    }

    public JsonNode? GetInput(string name) =>
        State.Input is { } input && input.TryGetValue(name, out var value) ? value?.DeepClone() : null;

    public IEnumerable<string> InputNames => State.Input is { Count: > 0 } given ? Definition.InputNames.Union(given.Keys) : Definition.InputNames;

    public void ScheduleStart(string? triggerActivityId)
    {
        var start = _graph.FindStart(triggerActivityId)
            ?? throw new InvalidOperationException($"Definition '{Definition.DefinitionId}' has no start activity.");
        Log(JournalKind.WorkflowStarted, (ActivityNode?)null, triggerActivityId is null ? null : "trigger");
        _queue.Enqueue(new WorkItem(start.Id, null, null, triggerActivityId is not null));
    }

    public void ScheduleResume(Bookmark bookmark, JsonNode? payload) =>
        _queue.Enqueue(new WorkItem(bookmark.ActivityId, bookmark, payload, false));

    public void ScheduleRetry()
    {
        var faulted = State.FaultedActivityId;
        LogActivity(JournalKind.WorkflowRetried, faulted, null);
        State.Status = WorkflowStatus.Running;
        State.FaultedActivityId = null;
        State.FaultMessage = null;
        if (State.FaultedBookmark is { } bookmark)
            _queue.Enqueue(new WorkItem(bookmark.ActivityId, bookmark, State.FaultedPayload is null ? null : JsonNode.Parse(State.FaultedPayload), false, IsRetry: true));
        else if (faulted is not null)
            _queue.Enqueue(new WorkItem(faulted, null, null, false));
        State.FaultedBookmark = null;
        State.FaultedPayload = null;
        foreach (var id in State.Queue ?? [])
            _queue.Enqueue(new WorkItem(id, null, null, false));
        State.Queue = null;
    }

    public bool IsPending(Bookmark bookmark) =>
        State.Pending is { } p && p.TryGetValue(bookmark.ActivityId, out var ids) && ids.Contains(bookmark.Id);

    public async ValueTask RunAsync()
    {
        State.Status = WorkflowStatus.Running;
        while (_queue.Count > 0 && State.Status == WorkflowStatus.Running)
        {
            CancellationToken.ThrowIfCancellationRequested();
            var item = _queue.Dequeue();
            if (!Definition.ActivitiesById.TryGetValue(item.ActivityId, out var node))
                continue;
            if (item.Resumed is { } resumed && !item.IsRetry)
            {
                if (!IsPending(resumed))
                    continue;
                ForgetBookmark(node.Id, resumed.Id);
            }

            if (++_executed > _options.MaxActivitiesPerStep || System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt) > _options.MaxStepDuration)
            {
                FaultAt(node, new WorkflowFaultException(
                    $"Step budget exceeded at {node.Label}: {_executed - 1:N0} activities ran in {System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt).TotalSeconds:F1} s " +
                    $"without reaching a wait (limits: {_options.MaxActivitiesPerStep:N0} activities, {_options.MaxStepDuration.TotalSeconds:0.#} s). " +
                    "A loop with no Delay, Timer, Event or SLA timer in it never waits; add one, or a way out of the loop.", "STEP_BUDGET_EXCEEDED"), item);
                return;
            }

            var context = new ActivityExecutionContext(this, node, item.Resumed, item.Payload, item.IsTriggerStart);
            Log(item.Resumed is null ? JournalKind.Started : JournalKind.Resumed, node, null);
            try
            {
                var activity = _registry.Find(node.Type)
                    ?? throw new InvalidOperationException($"Activity type '{node.Type}' is not registered; activity {node.Label} cannot run.");
                if (item.Resumed is null)
                    await activity.ExecuteAsync(context);
                else
                    await activity.ResumeAsync(context);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !CancellationToken.IsCancellationRequested)
            {
                FaultAt(node, ex, item);
                return;
            }

            foreach (var b in context.CreatedBookmarks)
            {
                AddedBookmarks.Add(b);
                State.Pending ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
                if (!State.Pending.TryGetValue(node.Id, out var ids))
                    State.Pending[node.Id] = ids = [];
                ids.Add(b.Id);
            }

            var outcomes = context.Outcomes;
            var stillWaiting = State.Pending is { } pending && pending.ContainsKey(node.Id);
            if (outcomes is null && stillWaiting)
            {
                Log(JournalKind.Suspended, node, null);
                continue;
            }
            outcomes ??= [Activity.Done];
            CancelPending(node.Id, reason: null, journal: false);
            Log(JournalKind.Completed, node, string.Join(",", outcomes));
            if (context.CompletesWorkflow)
            {
                FinishFlowchart();
                return;
            }
            OnCompleted(node, outcomes);
        }

        if (State.Status == WorkflowStatus.Running)
        {
            if (State.Pending is { Count: > 0 })
            {
                State.Status = WorkflowStatus.Suspended;
            }
            else
            {
                State.Status = WorkflowStatus.Finished;
                Log(JournalKind.WorkflowFinished, (ActivityNode?)null, null);
            }
        }
        SaveConnectionStates();
    }

    /// <summary>Cancels the instance: every pending activity's bookmarks go, nothing else runs.</summary>
    public void CancelInstance(string? reason)
    {
        _queue.Clear();
        foreach (var id in (State.Pending?.Keys ?? Enumerable.Empty<string>()).ToList())
            CancelPending(id, reason ?? "instance cancelled", journal: true);
        State.Queue = null;
        State.Status = WorkflowStatus.Cancelled;
        Log(JournalKind.WorkflowCancelled, (ActivityNode?)null, reason);
        SaveConnectionStates();
    }

    internal void RemoveBookmark(string activityId, string bookmarkId, List<Bookmark> createdThisStep)
    {
        if (createdThisStep.RemoveAll(b => b.Id == bookmarkId) > 0)
            return;
        if (State.Pending is { } p && p.TryGetValue(activityId, out var ids) && ids.Remove(bookmarkId))
        {
            RemovedBookmarkIds.Add(bookmarkId);
            if (ids.Count == 0)
                p.Remove(activityId);
        }
    }

    private void ForgetBookmark(string activityId, string bookmarkId)
    {
        if (State.Pending is not { } p || !p.TryGetValue(activityId, out var ids))
            return;
        ids.Remove(bookmarkId);
        RemovedBookmarkIds.Add(bookmarkId);
        if (ids.Count == 0)
            p.Remove(activityId);
    }

    private void FaultAt(ActivityNode node, Exception ex, WorkItem item)
    {
        State.FaultedBookmark = item.Resumed;
        State.FaultedPayload = item.Payload?.ToJsonString();
        var message = ex.Message;
        Incidents.Add(new Incident(Guid.CreateVersion7().ToString("N"), InstanceId, node.Id, node.Type, node.Name, ex.GetType().FullName ?? ex.GetType().Name, message, ex.StackTrace, Now));
        Log(JournalKind.Faulted, node, message);
        Log(JournalKind.WorkflowFaulted, node, message);
        State.Status = WorkflowStatus.Faulted;
        State.FaultedActivityId = node.Id;
        State.FaultMessage = message;
        State.Queue = _queue.Count == 0 ? null : _queue.Where(q => q.Resumed is null).Select(q => q.ActivityId).ToList();
        _queue.Clear();
        SaveConnectionStates();
    }

    private void FinishFlowchart()
    {
        _queue.Clear();
        foreach (var id in (State.Pending?.Keys ?? Enumerable.Empty<string>()).ToList())
            CancelPending(id, "workflow completed", journal: true);
        State.Status = WorkflowStatus.Finished;
        Array.Fill(_connectionStates, '0');
        Log(JournalKind.WorkflowFinished, (ActivityNode?)null, null);
        SaveConnectionStates();
    }

    private void CancelPending(string activityId, string? reason, bool journal)
    {
        if (State.Pending is not { } p || !p.Remove(activityId, out var ids))
            return;
        RemovedBookmarkIds.AddRange(ids);
        if (journal && Definition.ActivitiesById.TryGetValue(activityId, out var node))
            Log(JournalKind.Cancelled, node, reason);
    }

    private void OnCompleted(ActivityNode node, IReadOnlyList<string> outcomes)
    {
        var touched = new List<string>();
        foreach (var ci in _graph.Outbound[node.Id])
        {
            var c = _graph.Connections[ci];
            var followed = outcomes.Contains(c.SourcePort, StringComparer.Ordinal);
            if (_graph.IsBackEdge[ci])
            {
                // Re-entering a loop: the head starts a fresh round, whatever its forward inbound say.
                if (followed)
                {
                    ResetInbound(c.Target);
                    Schedule(c.Target);
                }
                continue;
            }
            _connectionStates[ci] = followed ? '2' : '1';
            if (!touched.Contains(c.Target))
                touched.Add(c.Target);
        }
        foreach (var target in touched)
            Settle(target);
    }

    /// <summary>Decides whether an activity whose inbound connections changed runs, waits, or is skipped.</summary>
    private void Settle(string activityId)
    {
        var node = Definition.ActivitiesById[activityId];
        var inbound = _graph.ForwardInbound[activityId];
        var visited = inbound.All(ci => _connectionStates[ci] != '0');
        var followedCount = inbound.Count(ci => _connectionStates[ci] == '2');

        if (node.Type == FlowJoin.TypeName)
        {
            var mode = FlowJoin.ReadMode(node);
            switch (mode)
            {
                case FlowJoinMode.WaitAny when followedCount > 0:
                    CancelBranchesInto(activityId);
                    ResetInbound(activityId);
                    Schedule(activityId);
                    return;
                case FlowJoinMode.WaitAll when visited:
                    ResetInbound(activityId);
                    if (followedCount == inbound.Count)
                        Schedule(activityId);
                    else
                        Skip(activityId);
                    return;
            }
        }

        if (!visited)
            return;
        ResetInbound(activityId);
        if (followedCount > 0)
            Schedule(activityId);
        else
            Skip(activityId);
    }

    /// <summary>Dead-path elimination: an activity none of whose inbound were followed does not run, and
    /// its outbound connections count as visited-but-not-followed so joins further on can settle.</summary>
    private void Skip(string activityId)
    {
        var touched = new List<string>();
        foreach (var ci in _graph.Outbound[activityId])
        {
            if (_graph.IsBackEdge[ci])
                continue;
            _connectionStates[ci] = '1';
            var target = _graph.Connections[ci].Target;
            if (!touched.Contains(target))
                touched.Add(target);
        }
        foreach (var target in touched)
            Settle(target);
    }

    /// <summary>WaitAny: the first arrival wins; whatever is still waiting or scheduled upstream of the join
    /// (the losing branches' timers and event waits) is cancelled, and their bookkeeping cleared.</summary>
    private void CancelBranchesInto(string joinId)
    {
        var ancestors = _graph.AncestorsOf(joinId);
        foreach (var id in (State.Pending?.Keys ?? Enumerable.Empty<string>()).Where(ancestors.Contains).ToList())
            CancelPending(id, $"join {joinId} completed", journal: true);
        if (_queue.Any(q => ancestors.Contains(q.ActivityId)))
        {
            var keep = _queue.Where(q => !ancestors.Contains(q.ActivityId)).ToList();
            _queue.Clear();
            foreach (var q in keep)
                _queue.Enqueue(q);
        }
        for (var ci = 0; ci < _connectionStates.Length; ci++)
            if (_graph.IsUsable[ci] && ancestors.Contains(_graph.Connections[ci].Target))
                _connectionStates[ci] = '0';
    }

    private void ResetInbound(string activityId)
    {
        foreach (var ci in _graph.ForwardInbound[activityId])
            _connectionStates[ci] = '0';
    }

    private void Schedule(string activityId) => _queue.Enqueue(new WorkItem(activityId, null, null, false));

    private void SaveConnectionStates()
    {
        State.ConnectionStates = _connectionStates.All(c => c == '0') ? null : new string(_connectionStates);
    }

    private void Log(JournalKind kind, ActivityNode? node, string? detail)
    {
        // Routine entries beyond the step's allowance are counted, not kept; faults and the workflow's own
        // transitions always are, so a runaway step leaves its beginning and its end.
        if (Journal.Count >= _options.MaxJournalEntriesPerStep && kind is JournalKind.Started or JournalKind.Completed or JournalKind.Resumed or JournalKind.Suspended)
        {
            _journalDropped++;
            return;
        }
        if (_journalDropped > 0 && kind is not (JournalKind.Started or JournalKind.Completed or JournalKind.Resumed or JournalKind.Suspended))
        {
            Journal.Add(new JournalEntry(InstanceId, ++State.JournalSequence, Now, JournalKind.Omitted, null, null, null,
                $"{_journalDropped:N0} routine entries of this step were not kept."));
            _journalDropped = 0;
        }
        Journal.Add(new JournalEntry(InstanceId, ++State.JournalSequence, Now, kind, node?.Id, node?.Type, node?.Name, detail));
    }

    private void LogActivity(JournalKind kind, string? activityId, string? detail)
    {
        ActivityNode? node = null;
        if (activityId is not null)
            Definition.ActivitiesById.TryGetValue(activityId, out node);
        Log(kind, node, detail);
    }

    /// <param name="IsRetry">A retried resumption: its bookmark was consumed by the step that faulted.</param>
    private readonly record struct WorkItem(string ActivityId, Bookmark? Resumed, JsonNode? Payload, bool IsTriggerStart, bool IsRetry = false);
}
