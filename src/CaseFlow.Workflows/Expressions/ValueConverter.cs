using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace CaseFlow.Workflows.Expressions;

/// <summary>Converts between the JSON values the runtime stores and the .NET types activities want.</summary>
public static class ValueConverter
{
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        TimeSpan t => JsonValue.Create(t.ToString("c", CultureInfo.InvariantCulture)),
        DateTimeOffset dto => JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture)),
        _ => JsonSerializer.SerializeToNode(value),
    };

    /// <summary>A number from a JSON value whatever backs it (parsed element, long, int, double, decimal).</summary>
    /// <summary>A collection an activity iterates (ForEach's items): a JSON array, an array written as text, or one value.</summary>
    public static IReadOnlyList<JsonNode?> ToList(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().TrimStart().StartsWith('[') => ToList(JsonNode.Parse(v.GetValue<string>())),
        _ => [node],
    };

    /// <summary>A number from any JSON value (a number, or text holding one).</summary>
    public static double AsDouble(JsonNode node) => node is JsonValue v
        ? v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : AsDouble(v)
        : throw new FormatException($"Not a number: {node.ToJsonString()}");

    public static double AsDouble(JsonValue value)
    {
        if (value.TryGetValue<double>(out var d))
            return d;
        if (value.TryGetValue<long>(out var l))
            return l;
        if (value.TryGetValue<int>(out var i))
            return i;
        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static string? ToText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    public static bool ToBoolean(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => AsDouble(v) != 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => bool.TryParse(v.GetValue<string>().Trim(), out var b) && b,
        _ => true,
    };

    public static double? ToNumber(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => AsDouble(v),
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>Reads a duration as Elsa writes it (<c>d.hh:mm:ss</c>), or ISO 8601 (<c>PT72H</c>).</summary>
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(text);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    public static TimeSpan ToTimeSpan(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            return TimeSpan.FromMilliseconds(AsDouble(v));
        var text = ToText(node);
        return TryParseDuration(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a duration (expected d.hh:mm:ss).");
    }

    public static DateTimeOffset ToDateTimeOffset(JsonNode? node)
    {
        var text = ToText(node);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : throw new FormatException($"'{text}' is not a date and time.");
    }

    /// <summary>A list of strings from a JSON array, a JSON array held in a string (Elsa's Object inputs), or one string.</summary>
    public static IReadOnlyList<string> ToStringList(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return [];
            case JsonArray array:
                return array.Select(ToText).Where(s => s is not null).Select(s => s!).ToList();
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>().Trim();
                if (text.StartsWith('['))
                    return ToStringList(JsonNode.Parse(text));
                return text.Length == 0 ? [] : [text];
            default:
                return [node.ToJsonString()];
        }
    }

    /// <summary>Shapes a value for a variable's declared type, as Elsa does when it stores one
    /// (an <c>Int32</c> variable declared as <c>"0"</c> holds the number 0, so <c>getCounter() + 1</c> is 1).</summary>
    public static JsonNode? ForType(JsonNode? node, string? typeName)
    {
        if (node is null)
            return null;
        switch (typeName)
        {
            case "Int16" or "Int32" or "Int64" or "Byte" or "UInt32" or "UInt64":
                var n = ToNumber(node);
                return n is null ? node : JsonValue.Create((long)Math.Round(n.Value));
            case "Single" or "Double" or "Decimal":
                var d = ToNumber(node);
                return d is null ? node : JsonValue.Create(d.Value);
            case "Boolean":
                return JsonValue.Create(ToBoolean(node));
            case "String":
                return JsonValue.Create(ToText(node));
            case "Object" or "ExpandoObject" or "JsonObject" or "JsonNode":
                if (node is JsonValue s && s.GetValueKind() == JsonValueKind.String)
                {
                    var text = s.GetValue<string>().Trim();
                    if (text.StartsWith('{') || text.StartsWith('['))
                    {
                        try
                        {
                            return JsonNode.Parse(text);
                        }
                        catch (JsonException)
                        {
                            return node;
                        }
                    }
                }
                return node;
            default:
                return node;
        }
    }
}
