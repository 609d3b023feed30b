using System.Text.Json.Nodes;

namespace CaseFlow.Workflows.Tests.Support;

/// <summary>Builds small Elsa 3 definitions in the current shape for scenario tests.</summary>
public static class Flow
{
    public static JsonObject Definition(string definitionId, JsonObject[] activities, JsonObject[] connections, JsonObject[]? variables = null) => new()
    {
        ["$schema"] = "https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json",
        ["id"] = definitionId + "-v",
        ["definitionId"] = definitionId,
        ["name"] = definitionId,
        ["version"] = 1,
        ["variables"] = new JsonArray((variables ?? []).Select(v => (JsonNode)v).ToArray()),
        ["isLatest"] = true,
        ["isPublished"] = false,
        ["root"] = new JsonObject
        {
            ["id"] = "Flowchart1",
            ["type"] = "Elsa.Flowchart",
            ["version"] = 1,
            ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
            ["connections"] = new JsonArray(connections.Select(c => (JsonNode)c).ToArray()),
        },
    };

    public static JsonObject Variable(string id, string name, string typeName, string? value) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["typeName"] = typeName,
        ["isArray"] = false,
        ["value"] = value,
    };

    public static JsonObject Activity(string id, string type, params (string Name, string TypeName, string ExpressionType, string Value)[] inputs)
    {
        var a = new JsonObject
        {
            ["id"] = id,
            ["name"] = id,
            ["type"] = type,
            ["version"] = 1,
            ["customProperties"] = new JsonObject { ["canStartWorkflow"] = false, ["runAsynchronously"] = false },
        };
        foreach (var (name, typeName, kind, value) in inputs)
            a[name] = Input(typeName, kind, value);
        return a;
    }

    public static JsonObject Input(string typeName, string expressionType, string value) => new()
    {
        ["typeName"] = typeName,
        ["expression"] = new JsonObject { ["type"] = expressionType, ["value"] = value },
    };

    public static JsonObject Start(string id = "Start1") => Activity(id, "Elsa.Start");

    public static JsonObject End(string id = "End1") => Activity(id, "Elsa.End");

    public static JsonObject WriteLine(string id, string text) => Activity(id, "Elsa.WriteLine", ("text", "String", "Literal", text));

    public static JsonObject WriteLineJs(string id, string script) => Activity(id, "Elsa.WriteLine", ("text", "String", "JavaScript", script));

    public static JsonObject Event(string id, string eventName) => Activity(id, "Elsa.Event", ("eventName", "String", "Literal", eventName));

    public static JsonObject Delay(string id, string timeSpan) => Activity(id, "Elsa.Delay", ("timeSpan", "TimeSpan", "Literal", timeSpan));

    public static JsonObject Join(string id, string mode) =>
        Activity(id, "Elsa.FlowJoin", ("mode", "Elsa.Workflows.Activities.Flowchart.Models.FlowJoinMode, Elsa.Workflows.Core", "Literal", mode));

    public static JsonObject Connect(string source, string target, string port = "Done") => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
        ["vertices"] = new JsonArray(),
    };
}
