using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseFlow.Workflows.Model;

/// <summary>
/// Writes a <see cref="JsonNode"/> tree in a given <see cref="JsonFormat"/>. Utf8JsonWriter cannot
/// reproduce Elsa Studio's expanded empty arrays, and it re-escapes strings, so values parsed from a file
/// are written from their original token text and only new values go through the default encoder.
/// </summary>
public static class ElsaJsonWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(false);

    public static byte[] Write(JsonNode? root, JsonFormat format)
    {
        var sb = new StringBuilder(4096);
        WriteNode(sb, root, format, 0);
        if (format.TrailingNewLine)
            sb.Append(format.NewLine);
        var body = Utf8NoBom.GetBytes(sb.ToString());
        if (!format.ByteOrderMark)
            return body;
        var withBom = new byte[body.Length + 3];
        withBom[0] = 0xEF;
        withBom[1] = 0xBB;
        withBom[2] = 0xBF;
        body.CopyTo(withBom, 3);
        return withBom;
    }

    private static void WriteNode(StringBuilder sb, JsonNode? node, JsonFormat format, int depth)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    sb.Append('{');
                    if (format.ExpandedEmptyObjects)
                        NewLine(sb, format, depth);
                    sb.Append('}');
                    break;
                }
                sb.Append('{');
                var firstProperty = true;
                foreach (var (name, value) in obj)
                {
                    if (!firstProperty)
                        sb.Append(',');
                    firstProperty = false;
                    NewLine(sb, format, depth + 1);
                    sb.Append(EncodeString(name)).Append(": ");
                    WriteNode(sb, value, format, depth + 1);
                }
                NewLine(sb, format, depth);
                sb.Append('}');
                break;
            case JsonArray array:
                if (array.Count == 0)
                {
                    sb.Append('[');
                    if (format.ExpandedEmptyArrays)
                        NewLine(sb, format, depth);
                    sb.Append(']');
                    break;
                }
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        sb.Append(',');
                    NewLine(sb, format, depth + 1);
                    WriteNode(sb, array[i], format, depth + 1);
                }
                NewLine(sb, format, depth);
                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        // Values read from a file keep their exact token text (escapes, number spelling).
        if (value.TryGetValue<JsonElement>(out var element))
        {
            sb.Append(element.GetRawText());
            return;
        }
        if (value.TryGetValue<string>(out var text))
        {
            sb.Append(EncodeString(text));
            return;
        }
        sb.Append(value.ToJsonString());
    }

    private static string EncodeString(string text) =>
        "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.Default).ToString() + "\"";

    private static void NewLine(StringBuilder sb, JsonFormat format, int depth)
    {
        sb.Append(format.NewLine);
        for (var i = 0; i < depth; i++)
            sb.Append(format.Indent);
    }
}
