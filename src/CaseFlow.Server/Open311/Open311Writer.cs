using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Xml.Linq;

namespace CaseFlow.Server.Open311;

/// <summary>
/// Writes a GeoReport document as JSON or as the standard's XML. The XML is derived from the JSON form
/// (one element per field, lists wrapped in their plural), so the two cannot drift apart.
/// </summary>
public static class Open311Writer
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Devanagari and quotes as they are, not \u escapes: readable in a browser and in logs. Safe because the
        // document is served as application/json, never inlined into HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // GeoReport's XML names: the list element and the element of each item in it.
    private static readonly Dictionary<Type, (string List, string Item)> XmlNames = new()
    {
        [typeof(Open311Service)] = ("services", "service"),
        [typeof(Open311Created)] = ("service_requests", "request"),
        [typeof(Open311Request)] = ("service_requests", "request"),
        [typeof(Open311Error)] = ("errors", "error"),
        [typeof(Open311Attribute)] = ("attributes", "attribute"),
        [typeof(Open311Value)] = ("values", "value"),
    };

    public static IResult Write(string format, int status, object document)
    {
        var json = JsonSerializer.SerializeToNode(document, document.GetType(), Json)!;
        if (format == "json") return Results.Text(json.ToJsonString(Json), "application/json; charset=utf-8", statusCode: status);
        var root = document is System.Collections.IEnumerable and not string
            ? List(ItemType(document.GetType()), json.AsArray())
            : Element("service_definition", json, document.GetType());
        return Results.Text(new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root,
            "application/xml; charset=utf-8", statusCode: status);
    }

    private static XElement List(Type item, JsonArray items)
    {
        var (list, name) = XmlNames[item];
        return new XElement(list, items.Select(i => Element(name, i!, item)));
    }

    private static XElement Element(string name, JsonNode node, Type type) => node switch
    {
        JsonObject o => new XElement(name, o.Select(p =>
        {
            var property = type.GetProperties().FirstOrDefault(x => Json.PropertyNamingPolicy!.ConvertName(x.Name) == p.Key);
            return p.Value is JsonArray a && property is not null
                ? List(ItemType(property.PropertyType), a)
                : new XElement(p.Key, p.Value is null ? null : Scalar(p.Value));
        })),
        _ => new XElement(name, Scalar(node)),
    };

    private static string Scalar(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    private static Type ItemType(Type list) =>
        list.IsArray ? list.GetElementType()! : list.GetInterfaces().Append(list)
            .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];
}
