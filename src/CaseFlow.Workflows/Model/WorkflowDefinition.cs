using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseFlow.Workflows.Model;

/// <summary>
/// An Elsa 3 workflow definition. Immutable: edits return a new instance. The parsed JSON tree is kept
/// whole, so a load → save round-trip loses nothing, including properties CaseFlow does not understand.
/// </summary>
public sealed class WorkflowDefinition
{
    public const string SchemaUrl = "https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json";
    public const string FlowchartType = "Elsa.Flowchart";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    private readonly JsonObject _tree;

    // A parsed JsonObject materialises its children lazily on first read, which is not thread-safe;
    // definitions are shared by every instance of a version, so reads of the tree are serialised.
    private readonly Lock _treeLock = new();
    private readonly byte[]? _originalBytes;

    private WorkflowDefinition(JsonObject tree, JsonFormat format, byte[]? originalBytes)
    {
        _tree = tree;
        Format = format;
        _originalBytes = originalBytes;

        var root = JsonSerializer.SerializeToElement(tree);
        Element = root;
        Schema = ActivityNode.Str(root, "$schema");
        Id = ActivityNode.Str(root, "id");
        DefinitionId = ActivityNode.Str(root, "definitionId") ?? Id
            ?? throw new WorkflowFormatException("The definition has neither \"definitionId\" nor \"id\".");
        Name = ActivityNode.Str(root, "name");
        Description = ActivityNode.Str(root, "description");
        ToolVersion = ActivityNode.Str(root, "toolVersion");
        Version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        IsLatest = root.TryGetProperty("isLatest", out var l) && l.ValueKind == JsonValueKind.True;
        IsPublished = root.TryGetProperty("isPublished", out var p) && p.ValueKind == JsonValueKind.True;
        CreatedAt = root.TryGetProperty("createdAt", out var c) && c.ValueKind == JsonValueKind.String && c.TryGetDateTimeOffset(out var created)
            ? created
            : null;

        if (!root.TryGetProperty("root", out var flow) || flow.ValueKind != JsonValueKind.Object)
            throw new WorkflowFormatException($"Definition '{DefinitionId}' has no \"root\" flowchart.");
        RootType = ActivityNode.Str(flow, "type") ?? FlowchartType;
        RootId = ActivityNode.Str(flow, "id");
        LegacyStartActivityId = ActivityNode.Str(flow, "start");

        var activities = new List<ActivityNode>();
        // Elsa lets the root be any one activity (a WriteLine, a workflow used as an activity): it is then the only one.
        if (RootType is not (FlowchartType or "Elsa.Sequence") && RootId is not null)
            activities.Add(new ActivityNode(flow));
        else if (flow.TryGetProperty("activities", out var acts) && acts.ValueKind == JsonValueKind.Array)
            foreach (var a in acts.EnumerateArray())
                activities.Add(new ActivityNode(a));
        Activities = activities;
        var byId = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
        foreach (var a in activities)
            if (!byId.TryAdd(a.Id, a))
                throw new WorkflowFormatException($"Definition '{DefinitionId}' has two activities with id '{a.Id}'.");
        ActivitiesById = byId;

        var connections = new List<Connection>();
        if (flow.TryGetProperty("connections", out var cons) && cons.ValueKind == JsonValueKind.Array)
            foreach (var con in cons.EnumerateArray())
                connections.Add(ReadConnection(con));
        Connections = connections;

        var variables = new List<VariableDefinition>();
        ReadVariables(root, variables);
        ReadVariables(flow, variables);
        Variables = variables;

        // Elsa's declared workflow inputs: [{"name":"message","type":"String",...}], read by scripts as getMessage().
        var inputs = new List<string>();
        var inputTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("inputs", out var declared) && declared.ValueKind == JsonValueKind.Array)
            foreach (var input in declared.EnumerateArray())
                if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n)
                {
                    inputs.Add(n);
                    if (ActivityNode.Str(input, "type") is { } type)
                        inputTypes[n] = type;
                }
        InputNames = inputs;
        InputTypes = inputTypes;
        var outputs = new List<string>();
        if (root.TryGetProperty("outputs", out var declaredOutputs) && declaredOutputs.ValueKind == JsonValueKind.Array)
            foreach (var output in declaredOutputs.EnumerateArray())
                if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n)
                    outputs.Add(n);
        OutputNames = outputs;
        Outcomes = root.TryGetProperty("outcomes", out var declaredOutcomes) && declaredOutcomes.ValueKind == JsonValueKind.Array
            ? declaredOutcomes.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!).ToList()
            : [];

        UsableAsActivity = root.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("usableAsActivity", out var usable) && usable.ValueKind == JsonValueKind.True;
        AutoUpdateConsumers = options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("autoUpdateConsumingWorkflows", out var follow) && follow.ValueKind == JsonValueKind.True;
        // Elsa names the activity after the definition, Pascal-cased: "Subworkflow test" is SubworkflowTest.
        var typeName = string.Concat(System.Text.RegularExpressions.Regex.Split(Name ?? "", @"[^\p{L}\p{N}]+")
            .Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        ActivityTypeName = typeName.Length > 0 ? typeName : null;
    }

    /// <summary>The declared type of each input that names one (Elsa's <c>Int32</c>, <c>String</c>…): a value given is shaped to it.</summary>
    public IReadOnlyDictionary<string, string> InputTypes { get; }

    /// <summary>The names of the workflow outputs the definition declares (Elsa's <c>outputs</c>, set by SetOutput).</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The outcomes a workflow used as an activity may leave through (Elsa's <c>outcomes</c>; its Complete names them).</summary>
    public IReadOnlyList<string> Outcomes { get; }

    /// <summary>The stored text this was parsed from, when the definition service parsed it (its cache compares it).</summary>
    internal string? SourceText { get; set; }

    /// <summary>Elsa's <c>options.usableAsActivity</c>: other workflows may run this one as an activity.</summary>
    public bool UsableAsActivity { get; }

    /// <summary>Elsa's <c>options.autoUpdateConsumingWorkflows</c>: workflows using this one as an activity follow each
    /// version published, instead of keeping the version they were designed with.</summary>
    public bool AutoUpdateConsumers { get; }

    /// <summary>The activity type other workflows name it by, when it is usable as an activity.</summary>
    public string? ActivityTypeName { get; }

    /// <summary>The names of the workflow inputs the definition declares (Elsa's <c>inputs</c>).</summary>
    public IReadOnlyList<string> InputNames { get; }

    public JsonFormat Format { get; }
    public string? Schema { get; }
    public string? Id { get; }
    public string DefinitionId { get; }
    public string? Name { get; }
    public string? Description { get; }
    public string? ToolVersion { get; }
    public int? Version { get; }
    public bool IsLatest { get; }
    public bool IsPublished { get; }
    public DateTimeOffset? CreatedAt { get; }
    public string RootType { get; }
    public string? RootId { get; }

    /// <summary>Elsa 3.0 files name their start activity in <c>root.start</c>.</summary>
    public string? LegacyStartActivityId { get; }

    public IReadOnlyList<ActivityNode> Activities { get; }
    public IReadOnlyDictionary<string, ActivityNode> ActivitiesById { get; }
    public IReadOnlyList<Connection> Connections { get; }

    /// <summary>Workflow-level variables followed by the flowchart's own.</summary>
    public IReadOnlyList<VariableDefinition> Variables { get; }

    /// <summary>The whole document, read-only.</summary>
    public JsonElement Element { get; }

    public static WorkflowDefinition Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    public static WorkflowDefinition Parse(ReadOnlySpan<byte> utf8)
    {
        var bom = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF;
        var body = bom ? utf8[3..] : utf8;
        JsonNode? node;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
            node = JsonNode.Parse(ref reader);
        }
        catch (JsonException ex)
        {
            throw new WorkflowFormatException($"The definition is not valid JSON: {ex.Message}", ex);
        }
        if (node is not JsonObject tree)
            throw new WorkflowFormatException("A workflow definition must be a JSON object.");

        var original = utf8.ToArray();
        var format = JsonFormat.Detect(body, bom);
        var definition = new WorkflowDefinition(tree, format, original);
        // Files whose layout the writer cannot reproduce exactly (mixed styles, unusual escapes in names)
        // still round-trip, because an untouched definition is saved from its original bytes.
        return definition;
    }

    /// <summary>
    /// Reads a file being imported, as Elsa imports one: a definition with neither "definitionId" nor "id" (a file written by
    /// hand, or exported without them) is given new ones rather than refused. Anything else is read as <see cref="Parse(ReadOnlySpan{byte})"/>.
    /// </summary>
    public static WorkflowDefinition Import(ReadOnlySpan<byte> utf8, Func<string> newId)
    {
        var body = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? utf8[3..] : utf8;
        JsonNode? node;
        try { node = JsonNode.Parse(body.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = DocumentOptions.MaxDepth }); }
        catch (JsonException ex) { throw new WorkflowFormatException($"The definition is not valid JSON: {ex.Message}", ex); }
        if (node is not JsonObject tree || tree.ContainsKey("definitionId") || tree.ContainsKey("id"))
            return Parse(utf8);
        // Written in Elsa's order: $schema, then the ids, then everything the file had.
        var stamped = new JsonObject();
        if (tree["$schema"] is { } schema) stamped["$schema"] = schema.DeepClone();
        stamped["id"] = newId();
        stamped["definitionId"] = newId();
        foreach (var (key, value) in tree)
            if (key != "$schema") stamped[key] = value?.DeepClone();
        return FromJsonObject(stamped);
    }

    public static WorkflowDefinition FromJsonObject(JsonObject tree) =>
        new(Normalize((JsonObject)tree.DeepClone()), JsonFormat.Default, null);

    /// <summary>The document's bytes: the original ones for an untouched load, else freshly written.</summary>
    public byte[] ToUtf8Bytes() => _originalBytes is null ? Reserialize() : (byte[])_originalBytes.Clone();

    public string ToJson()
    {
        var bytes = ToUtf8Bytes();
        var offset = Format.ByteOrderMark ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, offset, bytes.Length - offset);
    }

    /// <summary>Writes the tree with the writer, ignoring any cached original bytes.</summary>
    public byte[] Reserialize()
    {
        lock (_treeLock)
            return ElsaJsonWriter.Write(_tree, Format);
    }

    public JsonObject ToJsonObject()
    {
        lock (_treeLock)
            return (JsonObject)_tree.DeepClone();
    }

    /// <summary>Applies an edit to a copy of the document; the result is written in the current Elsa shape.</summary>
    public WorkflowDefinition Edit(Action<JsonObject> edit)
    {
        var copy = ToJsonObject();
        edit(copy);
        return new WorkflowDefinition(Normalize(copy), Format with { ByteOrderMark = false }, null);
    }

    /// <summary>Stamps the store's view of version and flags; returns this instance when nothing changes.</summary>
    public WorkflowDefinition WithVersionInfo(int version, bool isLatest, bool isPublished)
    {
        if (Version == version && IsLatest == isLatest && IsPublished == isPublished)
            return this;
        return Edit(json =>
        {
            json["version"] = version;
            json["isLatest"] = isLatest;
            json["isPublished"] = isPublished;
        });
    }

    /// <summary>Current shape: <c>$schema</c> first, object connections with <c>vertices</c>,
    /// start/async flags under <c>customProperties</c>.</summary>
    private static JsonObject Normalize(JsonObject json)
    {
        var ordered = new JsonObject();
        var schema = json["$schema"]?.DeepClone() ?? JsonValue.Create(SchemaUrl);
        ordered["$schema"] = schema;
        foreach (var (name, value) in json.ToList())
        {
            if (name == "$schema")
                continue;
            json.Remove(name);
            ordered[name] = value;
        }

        if (ordered["root"] is JsonObject root)
        {
            if (root["connections"] is JsonArray connections)
            {
                for (var i = 0; i < connections.Count; i++)
                {
                    if (connections[i] is not JsonObject c)
                        continue;
                    var normalized = NormalizeConnection(c);
                    if (!ReferenceEquals(normalized, c))
                        connections[i] = normalized;
                }
            }
            if (root["activities"] is JsonArray activities)
            {
                foreach (var a in activities.OfType<JsonObject>())
                    MoveFlagsToCustomProperties(a);
            }
        }
        return ordered;
    }

    private static JsonObject NormalizeConnection(JsonObject c)
    {
        if (c["source"] is JsonObject && c["target"] is JsonObject)
        {
            if (!c.ContainsKey("vertices"))
                c["vertices"] = new JsonArray();
            return c;
        }
        var result = new JsonObject
        {
            ["source"] = new JsonObject
            {
                ["activity"] = c["source"]?.DeepClone(),
                ["port"] = c["sourcePort"]?.DeepClone() ?? Connection.DefaultSourcePort,
            },
            ["target"] = new JsonObject
            {
                ["activity"] = c["target"]?.DeepClone(),
                ["port"] = c["targetPort"]?.DeepClone() ?? Connection.DefaultTargetPort,
            },
            ["vertices"] = c["vertices"]?.DeepClone() ?? new JsonArray(),
        };
        foreach (var (name, value) in c)
        {
            if (name is "source" or "target" or "sourcePort" or "targetPort" or "vertices")
                continue;
            result[name] = value?.DeepClone();
        }
        return result;
    }

    private static void MoveFlagsToCustomProperties(JsonObject activity)
    {
        foreach (var flag in new[] { "canStartWorkflow", "runAsynchronously" })
        {
            if (!activity.ContainsKey(flag))
                continue;
            if (activity["customProperties"] is not JsonObject custom)
            {
                custom = new JsonObject();
                activity["customProperties"] = custom;
            }
            var value = activity[flag];
            activity.Remove(flag);
            if (!custom.ContainsKey(flag))
                custom[flag] = value;
        }
    }

    internal static Connection ReadConnection(JsonElement c)
    {
        if (c.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            var t = c.TryGetProperty("target", out var tv) ? tv : default;
            return new Connection(
                ActivityNode.Str(s, "activity") ?? "",
                ActivityNode.Str(s, "port") ?? Connection.DefaultSourcePort,
                ActivityNode.Str(t, "activity") ?? "",
                ActivityNode.Str(t, "port") ?? Connection.DefaultTargetPort,
                false);
        }
        return new Connection(
            ActivityNode.Str(c, "source") ?? "",
            ActivityNode.Str(c, "sourcePort") ?? Connection.DefaultSourcePort,
            ActivityNode.Str(c, "target") ?? "",
            ActivityNode.Str(c, "targetPort") ?? Connection.DefaultTargetPort,
            true);
    }

    private static void ReadVariables(JsonElement owner, List<VariableDefinition> into)
    {
        if (!owner.TryGetProperty("variables", out var vars) || vars.ValueKind != JsonValueKind.Array)
            return;
        foreach (var v in vars.EnumerateArray())
        {
            var name = ActivityNode.Str(v, "name");
            if (name is null)
                continue;
            into.Add(new VariableDefinition(
                ActivityNode.Str(v, "id") ?? name,
                name,
                ActivityNode.Str(v, "typeName") ?? "Object",
                v.TryGetProperty("isArray", out var arr) && arr.ValueKind == JsonValueKind.True,
                v.TryGetProperty("value", out var value) ? value.Clone() : null));
        }
    }
}
