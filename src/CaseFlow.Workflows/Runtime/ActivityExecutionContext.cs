using System.Text.Json;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Runtime;

/// <summary>What an activity sees while it runs: its node and inputs, the instance's variables and
/// correlation id, services, the clock, and the means to complete, wait (bookmarks) or publish.</summary>
public sealed class ActivityExecutionContext
{
    private readonly WorkflowRun _run;
    private readonly List<Bookmark> _created = [];

    internal ActivityExecutionContext(WorkflowRun run, ActivityNode node, string path, Bookmark? resumed, JsonNode? resumePayload, bool isTriggerStart)
    {
        _run = run;
        Node = node;
        ActivityPath = path;
        ResumedBookmark = resumed;
        ResumePayload = resumePayload;
        IsTriggerStart = isTriggerStart;
    }

    public ActivityNode Node { get; }
    public string ActivityId => Node.Id;

    /// <summary>The activity's id in the root flowchart; inside a composite, the composites' ids and its own joined by '/'.
    /// Bookmarks carry it, so a resumption finds the activity however deep it is.</summary>
    public string ActivityPath { get; }
    public WorkflowDefinition Definition => _run.Definition;
    public string InstanceId => _run.InstanceId;
    public string DefinitionId => _run.State.DefinitionId;
    public int DefinitionVersion => _run.State.DefinitionVersion;
    public IServiceProvider Services => _run.Services;
    public TimeProvider TimeProvider => _run.Time;
    /// <summary>The step's moment (one per step, from the injected clock).</summary>
    public DateTimeOffset Now => _run.Now;
    public CancellationToken CancellationToken => _run.CancellationToken;

    /// <summary>True when a trigger (timer, cron, start-at) started this instance through this activity.</summary>
    public bool IsTriggerStart { get; }

    /// <summary>Set when the activity is resumed rather than executed.</summary>
    public Bookmark? ResumedBookmark { get; }

    /// <summary>The event payload an event bookmark was resumed with.</summary>
    public JsonNode? ResumePayload { get; }

    public string? CorrelationId
    {
        get => _run.State.CorrelationId;
        set => _run.State.CorrelationId = value;
    }

    public string? WorkflowName
    {
        get => _run.State.Name;
        set => _run.State.Name = value;
    }

    internal IReadOnlyList<string>? Outcomes { get; private set; }
    internal bool CompletesWorkflow { get; private set; }
    internal IReadOnlyList<string>? CompositeOutcomes { get; private set; }
    internal bool BreaksLoop { get; private set; }

    /// <summary>Elsa's Break: the nearest enclosing loop (ForEach, For, While, ParallelForEach) stops after this activity.</summary>
    public void BreakLoop()
    {
        BreaksLoop = true;
        Outcomes ??= [];
    }
    internal IReadOnlyList<Bookmark> CreatedBookmarks => _created;

    /// <summary>The bookmark ids this activity still waits on (from earlier steps and this one).</summary>
    public IReadOnlyList<string> PendingBookmarkIds =>
        _run.State.Pending is { } p && p.TryGetValue(ActivityPath, out var ids) ? ids.Concat(_created.Select(b => b.Id)).ToList() : _created.Select(b => b.Id).ToList();

    public JsonNode? GetVariable(string nameOrId) => _run.GetVariable(nameOrId);

    public T? GetVariable<T>(string nameOrId)
    {
        var node = _run.GetVariable(nameOrId);
        return node is null ? default : node.Deserialize<T>();
    }

    public void SetVariable(string nameOrId, object? value) => _run.SetVariable(nameOrId, ValueConverter.ToNode(value));

    public JsonNode? GetWorkflowInput(string name) => _run.GetInput(name);

    public bool HasInput(string name) => Node.GetInput(name) is not null;

    /// <summary>Evaluates an input's expression; null when the activity does not set it.</summary>
    public JsonNode? Evaluate(string inputName)
    {
        var input = Node.GetInput(inputName);
        return input is null ? null : _run.Evaluator.Evaluate(input, _run);
    }

    public string? EvaluateString(string inputName) => ValueConverter.ToText(Evaluate(inputName));

    public bool EvaluateBoolean(string inputName) => ValueConverter.ToBoolean(Evaluate(inputName));

    public TimeSpan EvaluateTimeSpan(string inputName) => ValueConverter.ToTimeSpan(Evaluate(inputName));

    public DateTimeOffset EvaluateDateTimeOffset(string inputName) => ValueConverter.ToDateTimeOffset(Evaluate(inputName));

    public IReadOnlyList<string> EvaluateStringList(string inputName) => ValueConverter.ToStringList(Evaluate(inputName));

    /// <summary>Evaluates a script or expression not attached to an input (e.g. FlowSwitch case conditions).</summary>
    public JsonNode? Evaluate(string expressionType, JsonElement value, string? typeName = null) =>
        _run.Evaluator.Evaluate(new ActivityInput("expression", typeName, expressionType, value), _run);

    public T GetRequiredService<T>() where T : notnull =>
        (T?)Services.GetService(typeof(T)) ?? throw new InvalidOperationException($"No service of type {typeof(T).FullName} is registered.");

    public T? GetService<T>() => (T?)Services.GetService(typeof(T));

    /// <summary>Completes the activity through the given ports (none means no connection is followed).</summary>
    public void Complete(params string[] outcomes) => Outcomes = outcomes;

    /// <summary>Ends the whole flowchart at once, cancelling everything pending (End, Finish).</summary>
    public void CompleteWorkflow()
    {
        CompletesWorkflow = true;
        Outcomes ??= [];
    }

    /// <summary>
    /// Elsa's Complete: the composite holding this activity (a nested flowchart, a sequence, a workflow used as an
    /// activity) completes now through <paramref name="outcomes"/>, cancelling what else runs in it; in the root, the workflow finishes.
    /// </summary>
    public void CompleteComposite(IReadOnlyList<string> outcomes)
    {
        CompositeOutcomes = outcomes;
        Outcomes ??= [];
    }

    /// <summary>Starts and reads workflows this activity runs as instances of their own; null on an engine without them.</summary>
    public IChildWorkflows? ChildWorkflows => _run.Children;

    /// <summary>Keeps, in the instance's state, what a child this activity starts after the commit is started with.</summary>
    internal void RememberChildStart(string childId, ChildStart start) => (_run.State.ChildStarts ??= new(StringComparer.Ordinal))[childId] = start;

    internal ChildStart? RecallChildStart(string childId) => _run.State.ChildStarts?.GetValueOrDefault(childId);

    internal void ForgetChildStart(string childId)
    {
        if (_run.State.ChildStarts is { } starts && starts.Remove(childId) && starts.Count == 0)
            _run.State.ChildStarts = null;
    }

    /// <summary>How many journal entries the instance has: fixed for a given state, so an id made from it is the same
    /// when a step that lost a race is redone, and different each time a loop comes back to the activity.</summary>
    public long Sequence => _run.State.JournalSequence;

    /// <summary>An output of this activity (Elsa's activity outputs, e.g. RunJavaScript's Result): readable by
    /// getOutputFrom, and written to the variable or workflow output the node binds it to.</summary>
    public void SetOutput(string name, object? value) => _run.SetActivityOutput(Node, name, ValueConverter.ToNode(value));

    /// <summary>Elsa's SetOutput: an output of the workflow this activity runs in (a child workflow's becomes its activity's).</summary>
    public void SetWorkflowOutput(string name, JsonNode? value) => _run.SetOutput(name, value);

    /// <summary>Waits until <paramref name="dueAt"/> (any distance ahead: timers are rows, not in-memory timers).
    /// The activity's <c>ResumeAsync</c> runs when it fires, with <see cref="ResumedBookmark"/> carrying the tag.</summary>
    public Bookmark CreateTimer(DateTimeOffset dueAt, string? tag = null) =>
        Add(new Bookmark(RecordIds.New(), BookmarkKind.Timer, InstanceId, DefinitionId, DefinitionVersion, ActivityPath, null, CorrelationId, dueAt.ToUniversalTime(), tag, Now));

    /// <summary>Waits for an event published with this name and correlation id (the instance's by default).</summary>
    public Bookmark CreateEventBookmark(string eventName, string? correlationId = null, string? tag = null) =>
        Add(new Bookmark(RecordIds.New(), BookmarkKind.Event, InstanceId, DefinitionId, DefinitionVersion, ActivityPath, eventName, correlationId ?? CorrelationId, null, tag, Now));

    /// <summary>Stops waiting on one bookmark of this activity (e.g. a warning timer after the limit moved).</summary>
    public void CancelBookmark(string bookmarkId) => _run.RemoveBookmark(ActivityPath, bookmarkId, _created);

    /// <summary>Publishes an event after this step commits.</summary>
    public void PublishEvent(string eventName, string? correlationId, JsonNode? payload) =>
        _run.PublishedEvents.Add((eventName, correlationId, payload));

    /// <summary>Runs <paramref name="action"/> only once this step has committed. Side effects outside the store
    /// (lines, mails, SMS) belong here: a step that loses a concurrency race is discarded and redone, and
    /// whatever it did directly would happen twice.</summary>
    public void AfterCommit(Func<ValueTask> action) => _run.AfterCommitActions.Add(action);

    /// <summary>Adds a domain effect to this step's commit, so the store applies it in the same transaction
    /// as the instance state (e.g. a case's new level alongside the escalation step).</summary>
    public void AddEffect(IStepEffect effect)
    {
        if (!_run.DomainEffects.Contains(effect))
            _run.DomainEffects.Add(effect);
    }

    /// <summary>The domain state the host gave this step (and that earlier activities of the step added).</summary>
    public StepFeatures Features => _run.Features;

    private Bookmark Add(Bookmark bookmark)
    {
        _created.Add(bookmark);
        return bookmark;
    }
}
