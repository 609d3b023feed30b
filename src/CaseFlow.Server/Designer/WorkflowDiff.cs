using System.Text.Json.Nodes;

namespace CaseFlow.Server.Designer;

public sealed record WorkflowChange(string Kind, string? ActivityId, string? Property, string? Before, string? After, string Summary);

/// <summary>
/// A structural diff of two Elsa definitions: activities added, removed or with changed inputs, and
/// connections added or removed. Designer layout (positions, sizes) is not a change an administrator reviews.
/// </summary>
public static class WorkflowDiff
{
    private static readonly HashSet<string> NotInputs = ["id", "nodeId", "metadata", "customProperties", "version", "canStartWorkflow", "runAsynchronously"];

    /// <param name="inputName">The words for an activity type's input (its descriptor's display name), when known.</param>
    public static IReadOnlyList<WorkflowChange> Compare(string beforeJson, string afterJson, Func<string, string, string?>? inputName = null)
    {
        var before = Root(beforeJson);
        var after = Root(afterJson);
        var changes = new List<WorkflowChange>();
        var a = Activities(before);
        var b = Activities(after);
        foreach (var (id, node) in b.Where(x => !a.ContainsKey(x.Key)))
            changes.Add(new("ActivityAdded", id, null, null, Type(node), $"Added {Label(id, node)}"));
        foreach (var (id, node) in a.Where(x => !b.ContainsKey(x.Key)))
            changes.Add(new("ActivityRemoved", id, null, Type(node), null, $"Removed {Label(id, node)}"));
        foreach (var (id, old) in a)
        {
            if (!b.TryGetValue(id, out var now)) continue;
            var names = old.Select(p => p.Key).Union(now.Select(p => p.Key)).Where(n => !NotInputs.Contains(n));
            foreach (var name in names)
            {
                var x = old[name];
                var y = now[name];
                if (JsonNode.DeepEquals(x, y)) continue;
                var bv = Value(x);
                var av = Value(y);
                var words = Type(now) is { } type ? inputName?.Invoke(type, name) ?? name : name;
                changes.Add(new("ActivityChanged", id, name, bv, av, $"{Label(id, now)}: {words} {bv ?? "(unset)"} → {av ?? "(unset)"}"));
            }
        }
        var ca = Connections(before);
        var cb = Connections(after);
        string End(string id) => b.TryGetValue(id, out var n) || a.TryGetValue(id, out n) ? Label(id, n) : id;
        foreach (var c in cb.Except(ca))
            changes.Add(new("ConnectionAdded", c.Source, c.Port, null, c.Target, $"Connected {End(c.Source)} ({c.Port}) → {End(c.Target)}"));
        foreach (var c in ca.Except(cb))
            changes.Add(new("ConnectionRemoved", c.Source, c.Port, c.Target, null, $"Disconnected {End(c.Source)} ({c.Port}) → {End(c.Target)}"));
        return changes;
    }

    private static JsonObject Root(string json) => JsonNode.Parse(json.TrimStart('\uFEFF'))?["root"] as JsonObject ?? [];

    private static Dictionary<string, JsonObject> Activities(JsonObject root) =>
        (root["activities"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(o => o["id"] is not null)
            .GroupBy(o => o["id"]!.ToString())
            .ToDictionary(g => g.Key, g => g.First());

    private static HashSet<(string Source, string Port, string Target)> Connections(JsonObject root)
    {
        var set = new HashSet<(string, string, string)>();
        foreach (var c in (root["connections"] as JsonArray ?? []).OfType<JsonObject>())
        {
            // Elsa 3 writes {source:{activity,port}}; older files use flat source/sourcePort.
            if (c["source"] is JsonObject s)
                set.Add((s["activity"]?.ToString() ?? "", s["port"]?.ToString() ?? "Done", (c["target"] as JsonObject)?["activity"]?.ToString() ?? ""));
            else
                set.Add((c["source"]?.ToString() ?? "", c["sourcePort"]?.ToString() ?? "Done", c["target"]?.ToString() ?? ""));
        }
        return set;
    }

    private static string? Type(JsonObject node) => node["type"]?.ToString();

    /// <summary>The name an administrator gave it (Elsa's display text), else its name, with its id for the record.</summary>
    private static string Label(string id, JsonObject node) =>
        (node["metadata"] as JsonObject)?["displayText"]?.ToString() is { Length: > 0 } text ? $"{text} ({id})"
        : node["name"]?.ToString() is { Length: > 0 } name ? $"{name} ({id})" : id;

    /// <summary>An input's literal or script text, not its typed wrapper.</summary>
    private static string? Value(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o when o["expression"] is JsonObject e => e["value"]?.ToString() is { } v ? $"{v}" + (e["type"]?.ToString() is { } t && t != "Literal" ? $" ({t})" : "") : null,
        JsonValue v => v.ToString(),
        _ => node.ToJsonString(),
    };
}
