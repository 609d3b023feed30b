using System.Text.Json;

namespace CaseFlow.Workflows.Model;

/// <summary>One activity of a flowchart, with every property of the file available through <see cref="Element"/>.</summary>
public sealed class ActivityNode
{
    internal ActivityNode(JsonElement element)
    {
        Element = element;
        Id = Str(element, "id") ?? throw new WorkflowFormatException("An activity has no \"id\".");
        Type = Str(element, "type") ?? throw new WorkflowFormatException($"Activity '{Id}' has no \"type\".");
        NodeId = Str(element, "nodeId");
        Name = Str(element, "name");
        TypeVersion = element.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

        // 3.1+ keeps these under customProperties; 3.0 files have them at the top level.
        var custom = element.TryGetProperty("customProperties", out var cp) && cp.ValueKind == JsonValueKind.Object ? cp : default;
        CanStartWorkflow = Flag(custom, "canStartWorkflow") ?? Flag(element, "canStartWorkflow") ?? false;
        RunAsynchronously = Flag(custom, "runAsynchronously") ?? Flag(element, "runAsynchronously") ?? false;

        if (element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            DisplayText = Str(metadata, "displayText");
            if (metadata.TryGetProperty("designer", out var designer) && designer.ValueKind == JsonValueKind.Object)
            {
                if (designer.TryGetProperty("position", out var p) && p.ValueKind == JsonValueKind.Object)
                    Position = new DesignerPosition(Num(p, "x"), Num(p, "y"));
                if (designer.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Object)
                    Size = new DesignerSize(Num(s, "width"), Num(s, "height"));
            }
        }

        var inputs = new Dictionary<string, ActivityInput>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object
                || !property.Value.TryGetProperty("expression", out var expression)
                || expression.ValueKind != JsonValueKind.Object)
                continue;
            var kind = Str(expression, "type") ?? ExpressionTypes.Literal;
            var value = expression.TryGetProperty("value", out var ev) ? ev : default;
            inputs[property.Name] = new ActivityInput(property.Name, Str(property.Value, "typeName"), kind, value);
        }
        Inputs = inputs;
    }

    public string Id { get; }
    public string Type { get; }
    public string? NodeId { get; }
    public string? Name { get; }
    public int? TypeVersion { get; }
    public bool CanStartWorkflow { get; }
    public bool RunAsynchronously { get; }
    public string? DisplayText { get; }
    public DesignerPosition? Position { get; }
    public DesignerSize? Size { get; }
    public IReadOnlyDictionary<string, ActivityInput> Inputs { get; }

    /// <summary>The activity exactly as read, including properties no CaseFlow code understands.</summary>
    public JsonElement Element { get; }

    /// <summary>How errors and journals name the activity: its name if it has one, else its id.</summary>
    public string Label => Name is null ? Id : $"{Name} ({Id})";

    public ActivityInput? GetInput(string name) => Inputs.TryGetValue(name, out var input) ? input : null;

    /// <summary>The activities a composite (Elsa.Flowchart, Elsa.Sequence) holds in <paramref name="property"/>, read once.</summary>
    public IReadOnlyList<ActivityNode> Children(string property)
    {
        lock (_childrenLock)
        {
            if (_children?.TryGetValue(property, out var known) == true)
                return known;
            var list = new List<ActivityNode>();
            if (Element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array)
                foreach (var child in array.EnumerateArray())
                    list.Add(new ActivityNode(child));
            (_children ??= new(StringComparer.Ordinal))[property] = list;
            return list;
        }
    }

    /// <summary>The one activity a composite holds in <paramref name="property"/> (a FlowNode's or a loop's <c>body</c>), if any.</summary>
    public ActivityNode? Child(string property)
    {
        lock (_childrenLock)
        {
            if (_children?.TryGetValue("=" + property, out var known) == true)
                return known.FirstOrDefault();
            var list = Element.TryGetProperty(property, out var child) && child.ValueKind == JsonValueKind.Object ? new List<ActivityNode> { new(child) } : [];
            (_children ??= new(StringComparer.Ordinal))["=" + property] = list;
            return list.FirstOrDefault();
        }
    }

    /// <summary>An Elsa.Switch's cases: label, condition (an expression object) and the activity each runs, read once.</summary>
    public IReadOnlyList<(string Label, JsonElement Condition, ActivityNode? Activity)> SwitchCases()
    {
        lock (_childrenLock)
        {
            if (_cases is not null)
                return _cases;
            var list = new List<(string, JsonElement, ActivityNode?)>();
            if (Element.TryGetProperty("cases", out var cases) && cases.ValueKind == JsonValueKind.Array)
                foreach (var c in cases.EnumerateArray())
                    list.Add((Str(c, "label") ?? "", c.TryGetProperty("condition", out var condition) ? condition.Clone() : default,
                        c.TryGetProperty("activity", out var a) && a.ValueKind == JsonValueKind.Object ? new ActivityNode(a) : null));
            return _cases = list;
        }
    }

    private List<(string, JsonElement, ActivityNode?)>? _cases;

    /// <summary>A nested flowchart's connections, in either of Elsa's shapes.</summary>
    public IReadOnlyList<Connection> ChildConnections()
    {
        var list = new List<Connection>();
        if (Element.TryGetProperty("connections", out var array) && array.ValueKind == JsonValueKind.Array)
            foreach (var c in array.EnumerateArray())
                list.Add(WorkflowDefinition.ReadConnection(c));
        return list;
    }

    private readonly Lock _childrenLock = new();
    private Dictionary<string, IReadOnlyList<ActivityNode>>? _children;

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Flag(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : null;

    private static double Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
}
