using System.Runtime.CompilerServices;
using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// The connection structure of one definition, computed once. Back edges (connections that close a
/// loop, found by a depth-first walk from the start) are kept apart so implicit joins count only
/// forward inbound connections; otherwise the first visit of a loop head would wait for itself.
/// </summary>
internal sealed class FlowGraph
{
    private static readonly ConditionalWeakTable<WorkflowDefinition, FlowGraph> Cache = new();
    private static readonly ConditionalWeakTable<ActivityNode, FlowGraph> BodyCache = new();
    private readonly Dictionary<string, HashSet<string>> _ancestors = new(StringComparer.Ordinal);
    private readonly Lock _ancestorLock = new();
    private readonly string? _legacyStart;

    private FlowGraph(IReadOnlyList<ActivityNode> activities, IReadOnlyList<Connection> connections, string? legacyStart, string owner)
    {
        Activities = activities;
        _legacyStart = legacyStart;
        var ids = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
        foreach (var a in activities)
            if (!ids.TryAdd(a.Id, a))
                throw new WorkflowFormatException($"{owner} has two activities with id '{a.Id}'.");
        ActivitiesById = ids;
        Connections = connections;
        IsUsable = new bool[Connections.Count];
        for (var i = 0; i < Connections.Count; i++)
            IsUsable[i] = ids.ContainsKey(Connections[i].Source) && ids.ContainsKey(Connections[i].Target);

        foreach (var a in activities)
        {
            Outbound[a.Id] = [];
            Inbound[a.Id] = [];
            ForwardInbound[a.Id] = [];
        }
        for (var i = 0; i < Connections.Count; i++)
        {
            if (!IsUsable[i])
                continue;
            Outbound[Connections[i].Source].Add(i);
            Inbound[Connections[i].Target].Add(i);
        }

        DefaultStart = FindStart(null);
        IsBackEdge = new bool[Connections.Count];
        ClassifyEdges();
        for (var i = 0; i < Connections.Count; i++)
            if (IsUsable[i] && !IsBackEdge[i])
                ForwardInbound[Connections[i].Target].Add(i);
    }

    /// <summary>Any outcome follows it: how a sequence's children are chained.</summary>
    public const string AnyPort = "*";

    public IReadOnlyList<ActivityNode> Activities { get; }
    public IReadOnlyDictionary<string, ActivityNode> ActivitiesById { get; }
    public IReadOnlyList<Connection> Connections { get; }
    public bool[] IsUsable { get; }
    public bool[] IsBackEdge { get; }
    public Dictionary<string, List<int>> Outbound { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<int>> Inbound { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<int>> ForwardInbound { get; } = new(StringComparer.Ordinal);
    public ActivityNode? DefaultStart { get; }

    /// <summary>The definition's root: its flowchart, or (a root Elsa.Sequence) its children chained in order.</summary>
    public static FlowGraph For(WorkflowDefinition definition) => Cache.GetValue(definition, d =>
        d.RootType == Composites.Sequence
            ? new FlowGraph(d.Activities, Chain(d.Activities), null, $"Definition '{d.DefinitionId}'")
            : new FlowGraph(d.Activities, d.Connections, d.LegacyStartActivityId, $"Definition '{d.DefinitionId}'"));

    /// <summary>The children of a nested Elsa.Flowchart or Elsa.Sequence, as a graph of their own.</summary>
    public static FlowGraph ForBody(ActivityNode owner) => BodyCache.GetValue(owner, o =>
    {
        // One activity in a property (a FlowNode's or a loop's body; If's then and else): unconnected, scheduled by the run.
        if (o.Type == Composites.If)
            return new FlowGraph(new[] { o.Child("then"), o.Child("else") }.Where(c => c is not null).Select(c => c!).ToList(), [], null, o.Label);
        if (o.Type == Composites.Switch)
            return new FlowGraph(o.SwitchCases().Select(c => c.Activity).Append(o.Child("default")).Where(c => c is not null).Select(c => c!)
                .DistinctBy(c => c.Id).ToList(), [], null, o.Label);
        if (o.Type == Composites.Fork)
            return new FlowGraph(o.Children("branches"), [], null, o.Label);
        if (o.Type == Composites.FlowNode || Composites.IsLoop(o.Type))
            return new FlowGraph(o.Child("body") is { } body ? [body] : [], [], null, o.Label);
        var children = o.Children("activities");
        return o.Type == Composites.Sequence
            ? new FlowGraph(children, Chain(children), null, o.Label)
            : new FlowGraph(children, o.ChildConnections(), ActivityNode.Str(o.Element, "start"), o.Label);
    });

    private static List<Connection> Chain(IReadOnlyList<ActivityNode> children) =>
        children.Zip(children.Skip(1), (a, b) => new Connection(a.Id, AnyPort, b.Id, Connection.DefaultTargetPort, false)).ToList();

    /// <summary>Elsa's choice: the trigger that started it, else the first Start, else the first that can
    /// start the workflow, else the first without inbound connections. 3.0 files may name it in <c>root.start</c>.</summary>
    public ActivityNode? FindStart(string? triggerActivityId)
    {
        if (triggerActivityId is not null && ActivitiesById.TryGetValue(triggerActivityId, out var trigger))
            return trigger;
        if (_legacyStart is not null && ActivitiesById.TryGetValue(_legacyStart, out var legacy))
            return legacy;
        return Activities.FirstOrDefault(a => a.Type == "Elsa.Start")
            ?? Activities.FirstOrDefault(a => a.CanStartWorkflow)
            ?? Activities.FirstOrDefault(a => Inbound.TryGetValue(a.Id, out var inbound) && inbound.Count == 0);
    }

    /// <summary>Activities reachable from the start along usable connections.</summary>
    public HashSet<string> Reachable(ActivityNode? start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (start is null)
            return seen;
        var stack = new Stack<string>();
        stack.Push(start.Id);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!seen.Add(id))
                continue;
            foreach (var ci in Outbound[id])
                stack.Push(Connections[ci].Target);
        }
        return seen;
    }

    /// <summary>Activities from which <paramref name="activityId"/> can be reached along forward connections.</summary>
    public HashSet<string> AncestorsOf(string activityId)
    {
        lock (_ancestorLock)
        {
            if (_ancestors.TryGetValue(activityId, out var cached))
                return cached;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            stack.Push(activityId);
            while (stack.Count > 0)
            {
                var id = stack.Pop();
                foreach (var ci in ForwardInbound[id])
                {
                    var source = Connections[ci].Source;
                    if (seen.Add(source))
                        stack.Push(source);
                }
            }
            seen.Remove(activityId);
            _ancestors[activityId] = seen;
            return seen;
        }
    }

    private void ClassifyEdges()
    {
        // Iterative DFS so a long chain of activities cannot overflow the stack.
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on stack, 2 done
        var roots = new List<ActivityNode>();
        if (DefaultStart is not null)
            roots.Add(DefaultStart);
        roots.AddRange(Activities);
        foreach (var root in roots)
        {
            if (state.ContainsKey(root.Id))
                continue;
            var stack = new Stack<(string Id, int Next)>();
            stack.Push((root.Id, 0));
            state[root.Id] = 1;
            while (stack.Count > 0)
            {
                var (id, next) = stack.Pop();
                var outs = Outbound[id];
                if (next >= outs.Count)
                {
                    state[id] = 2;
                    continue;
                }
                stack.Push((id, next + 1));
                var ci = outs[next];
                var target = Connections[ci].Target;
                if (!state.TryGetValue(target, out var s))
                {
                    state[target] = 1;
                    stack.Push((target, 0));
                }
                else if (s == 1)
                {
                    IsBackEdge[ci] = true;
                }
            }
        }
    }
}
