using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// Everything an instance needs between steps, serialised as one short JSON string per instance.
/// Keys are abbreviated and defaults omitted because a million cases each carry one.
/// </summary>
internal sealed class InstanceState
{

    [JsonPropertyName("d")] public string DefinitionId { get; set; } = "";
    [JsonPropertyName("v")] public int DefinitionVersion { get; set; }
    [JsonPropertyName("s")] public WorkflowStatus Status { get; set; }
    [JsonPropertyName("c")] public string? CorrelationId { get; set; }
    [JsonPropertyName("n")] public string? Name { get; set; }
    [JsonPropertyName("var")] public Dictionary<string, JsonNode?>? Variables { get; set; }
    [JsonPropertyName("in")] public Dictionary<string, JsonNode?>? Input { get; set; }

    /// <summary>One char per connection (by index): '0' not visited, '1' visited but not followed, '2' followed.</summary>
    [JsonPropertyName("cs")] public string? ConnectionStates { get; set; }

    /// <summary>Activities waiting on bookmarks: activity id → bookmark ids.</summary>
    [JsonPropertyName("p")] public Dictionary<string, List<string>>? Pending { get; set; }

    /// <summary>Activities scheduled but not yet run when the instance faulted; retry runs them.</summary>
    [JsonPropertyName("q")] public List<string>? Queue { get; set; }

    [JsonPropertyName("f")] public string? FaultedActivityId { get; set; }
    [JsonPropertyName("fm")] public string? FaultMessage { get; set; }

    /// <summary>When the fault happened while resuming, the wait being resumed, so retry resumes rather than restarts it.</summary>
    [JsonPropertyName("fb")] public Bookmark? FaultedBookmark { get; set; }
    [JsonPropertyName("fp")] public string? FaultedPayload { get; set; }
    [JsonPropertyName("seq")] public long JournalSequence { get; set; }

    /// <summary>Composites running their children (nested flowcharts, sequences, workflows used as activities), by the owner's path.</summary>
    [JsonPropertyName("sc")] public Dictionary<string, ScopeState>? Scopes { get; set; }

    /// <summary>The instance waiting for this one (Elsa's ExecuteWorkflow with WaitForCompletion): told when it ends.</summary>
    [JsonPropertyName("pi")] public string? ParentInstanceId { get; set; }

    /// <summary>The workflow's outputs (Elsa's SetOutput in the root).</summary>
    [JsonPropertyName("out")] public Dictionary<string, JsonNode?>? Output { get; set; }

    /// <summary>Outputs of completed workflow activities, by the activity's name (else id): Elsa's getOutputFrom.</summary>
    [JsonPropertyName("ao")] public Dictionary<string, Dictionary<string, JsonNode?>>? ActivityOutputs { get; set; }

    /// <summary>
    /// Children a waiting activity starts after its commit, by child instance id, with what they are started with, until
    /// the activity sees the child exist or ends: a check-up that finds the start lost to a crash repeats it exactly.
    /// </summary>
    [JsonPropertyName("cst")] public Dictionary<string, ChildStart>? ChildStarts { get; set; }

    // Source-generated: every step reads and writes one of these, and reflection-based serialization was a
    // fifth of a step's CPU.
    public string Serialize() => JsonSerializer.Serialize(this, InstanceStateJson.Default.InstanceState);

    public static InstanceState Deserialize(string json) =>
        JsonSerializer.Deserialize(json, InstanceStateJson.Default.InstanceState) ?? throw new JsonException("Empty instance state.");
}

/// <summary>One running composite: its connection states and, for a workflow used as an activity, the version it runs and that workflow's scope.</summary>
internal sealed class ScopeState
{
    [JsonPropertyName("cs")] public string? ConnectionStates { get; set; }
    [JsonPropertyName("d")] public string? DefinitionId { get; set; }
    [JsonPropertyName("v")] public int DefinitionVersion { get; set; }
    [JsonPropertyName("var")] public Dictionary<string, JsonNode?>? Variables { get; set; }
    [JsonPropertyName("in")] public Dictionary<string, JsonNode?>? Input { get; set; }
    [JsonPropertyName("out")] public Dictionary<string, JsonNode?>? Output { get; set; }

    /// <summary>What the owner completes through (If's True/False); Done when unset.</summary>
    [JsonPropertyName("o")] public List<string>? Outcomes { get; set; }

    /// <summary>A loop's position: the next item's index (ForEach) or the counter's next value (For).</summary>
    [JsonPropertyName("i")] public double Index { get; set; }
    [JsonPropertyName("it")] public JsonArray? Items { get; set; }
    [JsonPropertyName("br")] public bool Broken { get; set; }
}

/// <summary>What a child workflow is started with: the definition, its correlation and its inputs.</summary>
internal sealed class ChildStart
{
    [JsonPropertyName("d")] public string DefinitionId { get; set; } = "";
    [JsonPropertyName("c")] public string? CorrelationId { get; set; }
    [JsonPropertyName("in")] public Dictionary<string, JsonNode?>? Input { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault, UseStringEnumConverter = true)]
[JsonSerializable(typeof(InstanceState))]
internal sealed partial class InstanceStateJson : JsonSerializerContext;
