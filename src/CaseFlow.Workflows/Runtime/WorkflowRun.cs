using System.Text;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// One step of one instance: runs scheduled activities until nothing is runnable, applying Elsa's
/// counter-based flowchart rules, and collects everything the step's commit must carry.
/// <para>
/// Composites (a nested flowchart, a sequence, a published workflow used as an activity) run their children as a
/// <see cref="Body"/> of their own inside the same instance: each child is addressed by its path, the ids of the
/// composites that hold it and its own joined by '/', so a timer deep inside a child workflow is a bookmark like any
/// other and survives a restart. Activities of the root keep their plain ids, as instances stored before
/// composites existed have them. A body completes when nothing under it is queued or waiting; its owner then
/// completes through the body's outcomes (Done, or what an Elsa.Complete inside it named).
/// </para>
/// </summary>
internal sealed class WorkflowRun : IExpressionScope
{
    private readonly ActivityRegistry _registry;
    private readonly Body _root;
    private readonly Dictionary<string, Body> _bodies = new(StringComparer.Ordinal);
    private bool _bodiesLoaded;
    private Body _current;
    private readonly Queue<WorkItem> _queue = new();
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
        var graph = FlowGraph.For(definition);
        _root = new Body("", graph, Body.StatesOf(state.ConnectionStates, graph), null, null, definition, null);
        _bodies[""] = _root;
        _current = _root;
    }

    /// <summary>Starts and reads child instances (ExecuteWorkflow, DispatchWorkflow); null where a run has no engine.</summary>
    public IChildWorkflows? Children { get; init; }

    /// <summary>Where a published workflow used as an activity is found; null runs none (they fault as unknown types).</summary>
    public IWorkflowActivitySource? Activities { get; init; }

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

    // Expressions see the variables and inputs of the workflow whose activity is running: the instance's own, or
    // those of the child workflow (used as an activity) that holds it.
    public IReadOnlyList<VariableDefinition> VariableDefinitions => _current.Variables.Workflow!.Variables;

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
        if (LoopLocal(nameOrId) is { } local)
            return local.DeepClone();
        var scope = _current.Variables;
        var name = scope.VariablesByKey.TryGetValue(nameOrId, out var def) ? def.Name : nameOrId;
        var values = scope.Scope is null ? State.Variables : scope.Scope.Variables;
        return values is { } vars && vars.TryGetValue(name, out var value) ? value?.DeepClone() : null;
    }

    public void SetVariable(string nameOrId, JsonNode? value)
    {
        var scope = _current.Variables;
        var def = scope.VariablesByKey.GetValueOrDefault(nameOrId);
        var name = def?.Name ?? nameOrId;
        value = ValueConverter.ForType(value, def?.TypeName);
        var values = scope.Scope is null ? State.Variables ??= new(StringComparer.Ordinal) : scope.Scope.Variables ??= new(StringComparer.Ordinal);
        if (value is null)
            values.Remove(name);
        else
            values[name] = value;
    }

    public JsonNode? GetInput(string name) =>
        CurrentInput is { } input && input.TryGetValue(name, out var value) ? value?.DeepClone() : null;

    public IEnumerable<string> InputNames =>
        CurrentInput is { Count: > 0 } given ? _current.Variables.Workflow!.InputNames.Union(given.Keys) : _current.Variables.Workflow!.InputNames;

    private Dictionary<string, JsonNode?>? CurrentInput => _current.Variables.Scope is { } scope ? scope.Input : State.Input;

    /// <summary>Elsa's SetOutput: an output of the workflow the activity runs in (a child's goes to its activity).</summary>
    public void SetOutput(string name, JsonNode? value)
    {
        var scope = _current.Variables;
        var outputs = scope.Scope is null ? State.Output ??= new(StringComparer.Ordinal) : scope.Scope.Output ??= new(StringComparer.Ordinal);
        outputs[name] = value;
    }

    public JsonNode? GetActivityOutput(string activityNameOrId, string? outputName)
    {
        if (State.ActivityOutputs is not { } all || !all.TryGetValue(activityNameOrId, out var outputs) || outputs.Count == 0)
            return null;
        if (outputName is not null)
            return outputs.TryGetValue(outputName, out var one) ? one?.DeepClone() : null;
        // Elsa's getOutputFromX() without a name reads the activity's single (or first declared) output.
        return outputs.Values.First()?.DeepClone();
    }

    public IEnumerable<string> StoredVariableNames =>
        ((_current.Variables.Scope is { } scope ? scope.Variables : State.Variables)?.Keys.Where(k => !_current.Variables.VariablesByKey.ContainsKey(k))
         ?? Enumerable.Empty<string>()).Concat(LoopBodies().SelectMany(b => b.Scope!.Variables?.Keys ?? Enumerable.Empty<string>()));

    /// <summary>The loops around the running activity, innermost first, up to the workflow that holds them.</summary>
    private IEnumerable<Body> LoopBodies()
    {
        for (var b = _current; b.Owner is not null && b.Workflow is null; b = b.Parent!)
            if (Composites.IsLoop(b.Owner.Type))
                yield return b;
    }

    /// <summary>A loop's own CurrentValue (Elsa's getCurrentValue() inside a ForEach body), innermost loop first.</summary>
    private JsonNode? LoopLocal(string name)
    {
        foreach (var loop in LoopBodies())
            if (loop.Scope!.Variables is { } locals && locals.TryGetValue(name, out var value))
                return value;
        return null;
    }

    public IEnumerable<string> OutputActivityNames => State.ActivityOutputs?.Keys ?? Enumerable.Empty<string>();

    public void ScheduleStart(string? triggerActivityId)
    {
        var start = _root.Graph.FindStart(triggerActivityId);
        Log(JournalKind.WorkflowStarted, (ActivityNode?)null, triggerActivityId is null ? null : "trigger");
        if (start is null && _root.Graph.Activities.Count == 0)
            return; // an empty workflow finishes at once
        if (start is null)
            throw new InvalidOperationException($"Definition '{Definition.DefinitionId}' has no start activity.");
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
        await LoadBodiesAsync();
        while (_queue.Count > 0 && State.Status == WorkflowStatus.Running)
        {
            CancellationToken.ThrowIfCancellationRequested();
            var item = _queue.Dequeue();
            if (!_bodies.TryGetValue(Body.ContainerOf(item.Path), out var body)
                || !body.Graph.ActivitiesById.TryGetValue(Body.IdOf(item.Path), out var node))
                continue;
            if (item.Resumed is { } resumed && !item.IsRetry)
            {
                if (!IsPending(resumed))
                    continue;
                ForgetBookmark(item.Path, resumed.Id);
            }

            if (++_executed > _options.MaxActivitiesPerStep || System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt) > _options.MaxStepDuration)
            {
                FaultAt(node, new WorkflowFaultException(
                    $"Step budget exceeded at {node.Label}: {_executed - 1:N0} activities ran in {System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt).TotalSeconds:F1} s " +
                    $"without reaching a wait (limits: {_options.MaxActivitiesPerStep:N0} activities, {_options.MaxStepDuration.TotalSeconds:0.#} s). " +
                    "A loop with no Delay, Timer, Event or SLA timer in it never waits; add one, or a way out of the loop.", "STEP_BUDGET_EXCEEDED"), item);
                return;
            }

            _current = body;
            var context = new ActivityExecutionContext(this, node, item.Path, item.Resumed, item.Payload, item.IsTriggerStart);
            Log(item.Resumed is null ? JournalKind.Started : JournalKind.Resumed, node, null);
            try
            {
                var activity = _registry.Find(node.Type);
                if (activity is null && item.Resumed is null && await StartBodyAsync(body, node, item.Path))
                    continue;
                if (activity is null)
                    throw new InvalidOperationException($"Activity type '{node.Type}' is not registered; activity {node.Label} cannot run.");
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
                if (!State.Pending.TryGetValue(item.Path, out var ids))
                    State.Pending[item.Path] = ids = [];
                ids.Add(b.Id);
            }

            var outcomes = context.Outcomes;
            var stillWaiting = State.Pending is { } pending && pending.ContainsKey(item.Path);
            if (outcomes is null && stillWaiting)
            {
                Log(JournalKind.Suspended, node, null);
                continue;
            }
            outcomes ??= [Activity.Done];
            CancelPending(item.Path, reason: null, journal: false);
            Log(JournalKind.Completed, node, string.Join(",", outcomes));
            if (context.CompletesWorkflow || context.CompositeOutcomes is not null && body.Owner is null)
            {
                FinishFlowchart();
                return;
            }
            if (context.BreaksLoop && NearestLoop(body) is { } loop)
            {
                // Elsa.Break: the nearest loop stops; what else runs in its body is cancelled.
                loop.Scope!.Broken = true;
                CancelUnder(loop.Prefix);
                CompleteIdleBodies(loop);
            }
            else if (context.CompositeOutcomes is { } composite)
            {
                // Elsa.Complete: the composite that holds it completes at once, through the outcomes it names.
                var parent = body.Parent!;
                CompleteBody(body, composite);
                CompleteIdleBodies(parent);
            }
            else
            {
                OnCompleted(body, node, outcomes);
                CompleteIdleBodies(body);
            }
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
                TellParent();
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
        DropBodies(_root);
        State.Status = WorkflowStatus.Cancelled;
        Log(JournalKind.WorkflowCancelled, (ActivityNode?)null, reason);
        SaveConnectionStates();
    }

    internal void RemoveBookmark(string activityPath, string bookmarkId, List<Bookmark> createdThisStep)
    {
        if (createdThisStep.RemoveAll(b => b.Id == bookmarkId) > 0)
            return;
        if (State.Pending is { } p && p.TryGetValue(activityPath, out var ids) && ids.Remove(bookmarkId))
        {
            RemovedBookmarkIds.Add(bookmarkId);
            if (ids.Count == 0)
                p.Remove(activityPath);
        }
    }

    private void ForgetBookmark(string activityPath, string bookmarkId)
    {
        if (State.Pending is not { } p || !p.TryGetValue(activityPath, out var ids))
            return;
        ids.Remove(bookmarkId);
        RemovedBookmarkIds.Add(bookmarkId);
        if (ids.Count == 0)
            p.Remove(activityPath);
    }

    private void FaultAt(ActivityNode node, Exception ex, WorkItem item)
    {
        State.FaultedBookmark = item.Resumed;
        State.FaultedPayload = item.Payload?.ToJsonString();
        var message = ex.Message;
        Incidents.Add(new Incident(RecordIds.New(), InstanceId, node.Id, node.Type, node.Name, ex.GetType().FullName ?? ex.GetType().Name, message, ex.StackTrace, Now));
        Log(JournalKind.Faulted, node, message);
        Log(JournalKind.WorkflowFaulted, node, message);
        State.Status = WorkflowStatus.Faulted;
        // The path, so a retry finds an activity inside a composite again.
        State.FaultedActivityId = item.Path;
        State.FaultMessage = message;
        State.Queue = _queue.Count == 0 ? null : _queue.Where(q => q.Resumed is null).Select(q => q.Path).ToList();
        _queue.Clear();
        SaveConnectionStates();
    }

    private void FinishFlowchart()
    {
        _queue.Clear();
        foreach (var id in (State.Pending?.Keys ?? Enumerable.Empty<string>()).ToList())
            CancelPending(id, "workflow completed", journal: true);
        DropBodies(_root);
        State.Status = WorkflowStatus.Finished;
        Array.Fill(_root.States, '0');
        Log(JournalKind.WorkflowFinished, (ActivityNode?)null, null);
        TellParent();
        SaveConnectionStates();
    }

    /// <summary>
    /// A child a parent waits for publishes its end after its final step commits; the parent's wait is a bookmark
    /// like any other, consumed once, and the parent also checks on the child by timer, so a notice lost to a crash
    /// between the commit and the publish is made good.
    /// </summary>
    private void TellParent()
    {
        if (State.ParentInstanceId is null)
            return;
        PublishedEvents.Add((IChildWorkflows.CompletedEvent, InstanceId, new JsonObject
        {
            ["workflowInstanceId"] = InstanceId,
            ["status"] = State.Status.ToString(),
            ["output"] = new JsonObject((State.Output ?? new()).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))),
        }));
    }

    private void CancelPending(string activityPath, string? reason, bool journal)
    {
        if (State.Pending is not { } p || !p.Remove(activityPath, out var ids))
            return;
        RemovedBookmarkIds.AddRange(ids);
        if (journal && _bodies.TryGetValue(Body.ContainerOf(activityPath), out var body) && body.Graph.ActivitiesById.TryGetValue(Body.IdOf(activityPath), out var node))
            Log(JournalKind.Cancelled, node, reason);
    }

    /// <summary>
    /// Starts the body of a composite: a nested flowchart or sequence, or the root of a published workflow used as an
    /// activity (its declared inputs evaluated here, in the caller's scope). False when the type is none of these.
    /// </summary>
    private async ValueTask<bool> StartBodyAsync(Body parent, ActivityNode owner, string path)
    {
        ScopeState scope;
        FlowGraph graph;
        WorkflowDefinition? workflow = null;
        if (Composites.IsBuiltIn(owner.Type))
        {
            scope = new ScopeState();
            graph = FlowGraph.ForBody(owner);
        }
        else if (Activities is not null && await Activities.ResolveAsync(owner, CancellationToken) is { } child)
        {
            workflow = child.Definition;
            graph = FlowGraph.For(workflow);
            scope = new ScopeState { DefinitionId = workflow.DefinitionId, DefinitionVersion = child.Version };
            foreach (var name in workflow.InputNames)
                if (owner.GetInput(name) is { } given)
                    (scope.Input ??= new(StringComparer.Ordinal))[name] = ValueConverter.ForType(Evaluator.Evaluate(given, this), workflow.InputTypes.GetValueOrDefault(name));
            foreach (var v in workflow.Variables)
                if (v.Value is { } value && ValueConverter.ForType(ValueConverter.ToNode(value), v.TypeName) is { } initial)
                    (scope.Variables ??= new(StringComparer.Ordinal))[v.Name] = initial;
        }
        else
        {
            return false;
        }
        var body = new Body(path, graph, Body.StatesOf(null, graph), scope, owner, workflow, parent);
        _bodies[path] = body;
        (State.Scopes ??= new(StringComparer.Ordinal))[path] = scope;
        if (owner.Type == Composites.If)
        {
            var condition = ValueConverter.ToBoolean(EvaluateOwner(owner, "condition"));
            scope.Outcomes = [condition ? "True" : "False", Activity.Done];
            if (owner.Child(condition ? "then" : "else") is { } branch)
                _queue.Enqueue(new WorkItem(body.PathOf(branch.Id), null, null, false));
            else
                CompleteIdleBodies(body);
        }
        else if (owner.Type == Composites.Switch)
        {
            // Elsa's Switch: the first case whose condition holds (MatchAny: every one), else the default.
            var matchAny = EvaluateOwner(owner, "mode") is { } mode && ValueConverter.ToText(mode) == "MatchAny";
            var chosen = new List<ActivityNode>();
            foreach (var (_, condition, branch) in owner.SwitchCases())
            {
                if (branch is null || !CaseHolds(condition))
                    continue;
                chosen.Add(branch);
                if (!matchAny)
                    break;
            }
            if (chosen.Count == 0 && owner.Child("default") is { } fallback)
                chosen.Add(fallback);
            foreach (var branch in chosen)
                _queue.Enqueue(new WorkItem(body.PathOf(branch.Id), null, null, false));
            if (chosen.Count == 0)
                CompleteIdleBodies(body);
        }
        else if (owner.Type == Composites.Fork)
        {
            // Elsa's structured Fork: every branch at once; it completes when all have (WaitAll) or at the first (WaitAny).
            foreach (var branch in graph.Activities)
                _queue.Enqueue(new WorkItem(body.PathOf(branch.Id), null, null, false));
            if (graph.Activities.Count == 0)
                CompleteIdleBodies(body);
        }
        else if (Composites.IsLoop(owner.Type))
        {
            if (owner.Type is Composites.ForEach or Composites.ParallelForEach)
                scope.Items = new JsonArray(ValueConverter.ToList(EvaluateOwner(owner, "items")).Select(v => v?.DeepClone()).ToArray());
            else if (owner.Type == Composites.For)
                scope.Index = ValueConverter.AsDouble(EvaluateOwner(owner, "start") ?? JsonValue.Create(0));
            if (!NextIteration(body))
                CompleteIdleBodies(body);
        }
        else if (graph.DefaultStart is { } start)
            _queue.Enqueue(new WorkItem(body.PathOf(start.Id), null, null, false));
        else
            CompleteIdleBodies(body);
        return true;
    }

    /// <summary>A Switch case's condition: an expression object (<c>{"type": "JavaScript", "value": …}</c>) or a plain boolean.</summary>
    private bool CaseHolds(System.Text.Json.JsonElement condition)
    {
        if (condition.ValueKind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
            return condition.GetBoolean();
        if (condition.ValueKind != System.Text.Json.JsonValueKind.Object)
            return false;
        var expression = condition.TryGetProperty("expression", out var inner) && inner.ValueKind == System.Text.Json.JsonValueKind.Object ? inner : condition;
        var type = ActivityNode.Str(expression, "type") ?? ExpressionTypes.Literal;
        var value = expression.TryGetProperty("value", out var v) ? v : default;
        return ValueConverter.ToBoolean(Evaluator.Evaluate(new ActivityInput("condition", "Boolean", type, value), this));
    }

    private JsonNode? EvaluateOwner(ActivityNode owner, string input) =>
        owner.GetInput(input) is { } given ? Evaluator.Evaluate(given, this) : null;

    /// <summary>
    /// Starts a loop's next round, if it has one: ForEach (and ParallelForEach, whose rounds CaseFlow runs one after
    /// another, as one instance's steps are serial) the next item, For the next counter value, While while its condition
    /// holds. The current value is the owner's CurrentValue output, so a variable bound to it follows the loop.
    /// </summary>
    private bool NextIteration(Body body)
    {
        var owner = body.Owner!;
        var scope = body.Scope!;
        if (scope.Broken || owner.Child("body") is not { } child)
            return false;
        var saved = _current;
        _current = body.Parent!;
        try
        {
            switch (owner.Type)
            {
                case Composites.ForEach or Composites.ParallelForEach:
                    if (scope.Items is null || scope.Index >= scope.Items.Count)
                        return false;
                    SetActivityOutput(owner, "CurrentValue", scope.Items[(int)scope.Index]);
                    scope.Variables = new(StringComparer.Ordinal) { ["CurrentValue"] = scope.Items[(int)scope.Index]?.DeepClone() };
                    scope.Index++;
                    break;
                case Composites.For:
                    var end = ValueConverter.AsDouble(EvaluateOwner(owner, "end") ?? JsonValue.Create(0));
                    var step = EvaluateOwner(owner, "step") is { } s ? ValueConverter.AsDouble(s) : 1;
                    var inclusive = EvaluateOwner(owner, "outerBoundInclusive") is not { } b || ValueConverter.ToBoolean(b);
                    var i = scope.Index;
                    var more = step >= 0 ? (inclusive ? i <= end : i < end) : (inclusive ? i >= end : i > end);
                    if (!more || step == 0)
                        return false;
                    SetActivityOutput(owner, "CurrentValue", JsonValue.Create(i));
                    scope.Variables = new(StringComparer.Ordinal) { ["CurrentValue"] = JsonValue.Create(i) };
                    scope.Index = i + step;
                    break;
                case Composites.While:
                    if (!ValueConverter.ToBoolean(EvaluateOwner(owner, "condition")))
                        return false;
                    break;
            }
        }
        finally
        {
            _current = saved;
        }
        Array.Fill(body.States, '0');
        _queue.Enqueue(new WorkItem(body.PathOf(child.Id), null, null, false));
        return true;
    }

    private static Body? NearestLoop(Body body)
    {
        for (var b = body; b.Owner is not null; b = b.Parent!)
            if (Composites.IsLoop(b.Owner.Type))
                return b;
        return null;
    }

    /// <summary>Bodies stored by earlier steps, outermost first, each with the graph of the version it started on.</summary>
    private async ValueTask LoadBodiesAsync()
    {
        if (_bodiesLoaded)
            return;
        _bodiesLoaded = true;
        if (State.Scopes is not { Count: > 0 } scopes)
            return;
        foreach (var (path, scope) in scopes.OrderBy(kv => kv.Key.Count(c => c == '/')).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!_bodies.TryGetValue(Body.ContainerOf(path), out var parent) || !parent.Graph.ActivitiesById.TryGetValue(Body.IdOf(path), out var owner))
                throw new InvalidOperationException($"The instance's composite '{path}' is not in version {State.DefinitionVersion} of '{State.DefinitionId}'.");
            WorkflowDefinition? workflow = null;
            FlowGraph graph;
            if (scope.DefinitionId is { } childId)
            {
                workflow = Activities is null
                    ? throw new InvalidOperationException($"Activity {owner.Label} runs workflow '{childId}', and this engine has no definitions to load it from.")
                    : await Activities.LoadAsync(childId, scope.DefinitionVersion, CancellationToken);
                graph = FlowGraph.For(workflow);
            }
            else
            {
                graph = FlowGraph.ForBody(owner);
            }
            _bodies[path] = new Body(path, graph, Body.StatesOf(scope.ConnectionStates, graph), scope, owner, workflow, parent);
        }
    }

    /// <summary>Completes every body, from <paramref name="body"/> outwards, in which nothing is queued or waiting any more.</summary>
    private void CompleteIdleBodies(Body body)
    {
        while (body.Owner is not null && _bodies.ContainsKey(body.Path) && IsIdle(body))
        {
            if (Composites.IsLoop(body.Owner.Type) && NextIteration(body))
                return;
            var parent = body.Parent!;
            CompleteBody(body, body.Scope!.Outcomes ?? [Activity.Done]);
            body = parent;
        }
    }

    private bool IsIdle(Body body)
    {
        var prefix = body.Prefix;
        return !_queue.Any(q => q.Path.StartsWith(prefix, StringComparison.Ordinal))
               && !(State.Pending?.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)) ?? false);
    }

    /// <summary>
    /// The owner of <paramref name="body"/> completes through <paramref name="outcomes"/>: whatever still runs or waits
    /// inside is cancelled, a child workflow's outputs become its activity's (and the variables its output ports name).
    /// </summary>
    private void CompleteBody(Body body, IReadOnlyList<string> outcomes)
    {
        var owner = body.Owner!;
        var parent = body.Parent!;
        CancelUnder(body.Prefix);
        DropBodies(body);
        _bodies.Remove(body.Path);
        State.Scopes?.Remove(body.Path);
        if (State.Scopes is { Count: 0 }) State.Scopes = null;
        if (body.Workflow is not null && body.Scope!.Output is { Count: > 0 } outputs)
        {
            _current = parent;
            foreach (var (name, value) in outputs)
                SetActivityOutput(owner, name, value);
        }
        Log(JournalKind.Completed, owner, string.Join(",", outcomes));
        OnCompleted(parent, owner, outcomes);
    }

    /// <summary>
    /// An output of an activity: kept for getOutputFrom, and written where the node binds it
    /// (<c>"result": {"memoryReference": {"id": …}}</c>): a variable of the workflow it runs in, or one of that
    /// workflow's declared outputs when the id names one, as Elsa's memory references do.
    /// </summary>
    public void SetActivityOutput(ActivityNode node, string name, JsonNode? value)
    {
        var outputs = (State.ActivityOutputs ??= new(StringComparer.Ordinal));
        if (!outputs.TryGetValue(node.Name ?? node.Id, out var mine))
            outputs[node.Name ?? node.Id] = mine = new(StringComparer.Ordinal);
        mine[name] = value?.DeepClone();
        if (OutputTarget(node, name) is not { } target)
            return;
        var scope = _current.Variables;
        if (!scope.VariablesByKey.ContainsKey(target) && scope.Workflow!.OutputNames.Contains(target, StringComparer.Ordinal))
            SetOutput(target, value?.DeepClone());
        else
            SetVariable(target, value?.DeepClone());
    }

    /// <summary>The variable an activity's output port is bound to: <c>"output1": {"memoryReference": {"id": …}}</c>.</summary>
    private static string? OutputTarget(ActivityNode owner, string output)
    {
        foreach (var property in owner.Element.EnumerateObject())
            if (string.Equals(property.Name, output, StringComparison.OrdinalIgnoreCase)
                && property.Value.ValueKind == System.Text.Json.JsonValueKind.Object
                && property.Value.TryGetProperty("memoryReference", out var reference)
                && ActivityNode.Str(reference, "id") is { } id)
                return id;
        return null;
    }

    /// <summary>Cancels what is queued or waiting at or under a path prefix.</summary>
    private void CancelUnder(string prefix)
    {
        if (_queue.Any(q => q.Path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var keep = _queue.Where(q => !q.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            _queue.Clear();
            foreach (var q in keep)
                _queue.Enqueue(q);
        }
        foreach (var key in (State.Pending?.Keys ?? Enumerable.Empty<string>()).Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            CancelPending(key, "composite completed", journal: true);
    }

    /// <summary>Forgets the bodies nested in <paramref name="body"/> (not the body itself).</summary>
    private void DropBodies(Body body)
    {
        var prefix = body.Owner is null ? "" : body.Prefix;
        foreach (var path in _bodies.Keys.Where(p => p.Length > 0 && p.StartsWith(prefix, StringComparison.Ordinal) && p != body.Path).ToList())
        {
            _bodies.Remove(path);
            State.Scopes?.Remove(path);
        }
        if (State.Scopes is { Count: 0 }) State.Scopes = null;
    }

    private void OnCompleted(Body body, ActivityNode node, IReadOnlyList<string> outcomes)
    {
        // A WaitAny fork is done at its first branch: the others are cancelled, and the idle body completes.
        if (body.Owner is { Type: Composites.Fork } fork && EvaluateOwner(fork, "joinMode") is { } join && ValueConverter.ToText(join) == "WaitAny")
        {
            CancelUnder(body.Prefix);
            DropBodies(body);
            return;
        }
        var graph = body.Graph;
        var touched = new List<string>();
        foreach (var ci in graph.Outbound[node.Id])
        {
            var c = graph.Connections[ci];
            var followed = c.SourcePort == FlowGraph.AnyPort || outcomes.Contains(c.SourcePort, StringComparer.Ordinal);
            if (graph.IsBackEdge[ci])
            {
                // Re-entering a loop: the head starts a fresh round, whatever its forward inbound say.
                if (followed)
                {
                    ResetInbound(body, c.Target);
                    Schedule(body, c.Target);
                }
                continue;
            }
            body.States[ci] = followed ? '2' : '1';
            if (!touched.Contains(c.Target))
                touched.Add(c.Target);
        }
        foreach (var target in touched)
            Settle(body, target);
    }

    /// <summary>Decides whether an activity whose inbound connections changed runs, waits, or is skipped.</summary>
    private void Settle(Body body, string activityId)
    {
        var node = body.Graph.ActivitiesById[activityId];
        var inbound = body.Graph.ForwardInbound[activityId];
        var states = body.States;
        var visited = inbound.All(ci => states[ci] != '0');
        var followedCount = inbound.Count(ci => states[ci] == '2');

        if (node.Type == FlowJoin.TypeName)
        {
            var mode = FlowJoin.ReadMode(node);
            switch (mode)
            {
                case FlowJoinMode.WaitAny when followedCount > 0:
                    CancelBranchesInto(body, activityId);
                    ResetInbound(body, activityId);
                    Schedule(body, activityId);
                    return;
                case FlowJoinMode.WaitAll when visited:
                    ResetInbound(body, activityId);
                    if (followedCount == inbound.Count)
                        Schedule(body, activityId);
                    else
                        Skip(body, activityId);
                    return;
            }
        }

        var merge = MergeModeOf(node);
        if (merge == "Race" && followedCount > 0)
        {
            CancelBranchesInto(body, activityId);
            ResetInbound(body, activityId);
            Schedule(body, activityId);
            return;
        }
        if (!visited)
            return;
        ResetInbound(body, activityId);
        // Elsa's merge modes on an activity (customProperties.mergeMode): Merge and Converge run it only when every
        // inbound connection was followed; Race is the first arrival; Stream (the default) any followed one.
        if (merge is "Merge" or "Converge" ? followedCount == inbound.Count : followedCount > 0)
            Schedule(body, activityId);
        else
            Skip(body, activityId);
    }

    private static string? MergeModeOf(ActivityNode node) =>
        node.Element.TryGetProperty("customProperties", out var custom) && custom.ValueKind == System.Text.Json.JsonValueKind.Object
            ? ActivityNode.Str(custom, "mergeMode")
            : null;

    /// <summary>Dead-path elimination: an activity none of whose inbound were followed does not run, and
    /// its outbound connections count as visited-but-not-followed so joins further on can settle.</summary>
    private void Skip(Body body, string activityId)
    {
        var graph = body.Graph;
        var touched = new List<string>();
        foreach (var ci in graph.Outbound[activityId])
        {
            if (graph.IsBackEdge[ci])
                continue;
            body.States[ci] = '1';
            var target = graph.Connections[ci].Target;
            if (!touched.Contains(target))
                touched.Add(target);
        }
        foreach (var target in touched)
            Settle(body, target);
    }

    /// <summary>WaitAny: the first arrival wins; whatever is still waiting or scheduled upstream of the join
    /// (the losing branches' timers and event waits, and everything inside composites there) is cancelled, and
    /// their bookkeeping cleared.</summary>
    private void CancelBranchesInto(Body body, string joinId)
    {
        var ancestors = body.Graph.AncestorsOf(joinId);
        bool Upstream(string path) => body.TopIn(path) is { } top && ancestors.Contains(top);
        foreach (var key in (State.Pending?.Keys ?? Enumerable.Empty<string>()).Where(Upstream).ToList())
            CancelPending(key, $"join {joinId} completed", journal: true);
        if (_queue.Any(q => Upstream(q.Path)))
        {
            var keep = _queue.Where(q => !Upstream(q.Path)).ToList();
            _queue.Clear();
            foreach (var q in keep)
                _queue.Enqueue(q);
        }
        foreach (var path in _bodies.Keys.Where(p => p.Length > 0 && p != body.Path && Upstream(p)).ToList())
        {
            _bodies.Remove(path);
            State.Scopes?.Remove(path);
        }
        if (State.Scopes is { Count: 0 }) State.Scopes = null;
        for (var ci = 0; ci < body.States.Length; ci++)
            if (body.Graph.IsUsable[ci] && ancestors.Contains(body.Graph.Connections[ci].Target))
                body.States[ci] = '0';
    }

    private static void ResetInbound(Body body, string activityId)
    {
        foreach (var ci in body.Graph.ForwardInbound[activityId])
            body.States[ci] = '0';
    }

    private void Schedule(Body body, string activityId) => _queue.Enqueue(new WorkItem(body.PathOf(activityId), null, null, false));

    private void SaveConnectionStates()
    {
        State.ConnectionStates = Body.Text(_root.States);
        foreach (var body in _bodies.Values)
            if (body.Scope is { } scope)
                scope.ConnectionStates = Body.Text(body.States);
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

    private void LogActivity(JournalKind kind, string? activityPath, string? detail)
    {
        ActivityNode? node = null;
        if (activityPath is not null && _bodies.TryGetValue(Body.ContainerOf(activityPath), out var body))
            body.Graph.ActivitiesById.TryGetValue(Body.IdOf(activityPath), out node);
        Log(kind, node, detail);
    }

    /// <param name="Path">The activity's path: its id in the root, else the composites' ids and its own joined by '/'.</param>
    /// <param name="IsRetry">A retried resumption: its bookmark was consumed by the step that faulted.</param>
    private readonly record struct WorkItem(string Path, Bookmark? Resumed, JsonNode? Payload, bool IsTriggerStart, bool IsRetry = false);

    /// <summary>The children of one composite (or the root) as they run: their graph, connection states and scope.</summary>
    private sealed class Body
    {
        public Body(string path, FlowGraph graph, char[] states, ScopeState? scope, ActivityNode? owner, WorkflowDefinition? workflow, Body? parent)
        {
            Path = path;
            Graph = graph;
            States = states;
            Scope = scope;
            Owner = owner;
            Workflow = workflow;
            Parent = parent;
            Prefix = path + "/";
            Variables = workflow is not null ? this : parent!.Variables;
            if (workflow is not null)
                foreach (var v in workflow.Variables)
                {
                    VariablesByKey.TryAdd(v.Name, v);
                    VariablesByKey.TryAdd(v.Id, v);
                }
        }

        public string Path { get; }
        public string Prefix { get; }
        public FlowGraph Graph { get; }
        public char[] States { get; }
        /// <summary>Null for the root, whose state is the instance's own.</summary>
        public ScopeState? Scope { get; }
        public ActivityNode? Owner { get; }
        /// <summary>The workflow whose variables and inputs this body's activities see (set on the root and on workflow activities).</summary>
        public WorkflowDefinition? Workflow { get; }
        public Body? Parent { get; }
        public Body Variables { get; }
        public Dictionary<string, VariableDefinition> VariablesByKey { get; } = new(StringComparer.Ordinal);

        public string PathOf(string activityId) => Owner is null ? activityId : Prefix + activityId;

        /// <summary>The id of this body's own activity that holds <paramref name="path"/>, or null when it is elsewhere.</summary>
        public string? TopIn(string path)
        {
            var rest = Owner is null ? path : path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : null;
            if (rest is null) return null;
            var slash = rest.IndexOf('/');
            return slash < 0 ? rest : rest[..slash];
        }

        public static string ContainerOf(string path) => path.LastIndexOf('/') is var i and >= 0 ? path[..i] : "";

        public static string IdOf(string path) => path.LastIndexOf('/') is var i and >= 0 ? path[(i + 1)..] : path;

        public static char[] StatesOf(string? stored, FlowGraph graph) =>
            stored is { } s && s.Length == graph.Connections.Count ? s.ToCharArray() : new string('0', graph.Connections.Count).ToCharArray();

        public static string? Text(char[] states) => states.All(c => c == '0') ? null : new string(states);
    }
}
