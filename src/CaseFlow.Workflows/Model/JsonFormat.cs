using System.Text;
using System.Text.RegularExpressions;

namespace CaseFlow.Workflows.Model;

/// <summary>
/// The layout traits of a JSON file. Elsa Studio, Elsa's tests and System.Text.Json each lay out
/// empty containers differently; remembering the traits lets an untouched file be rewritten byte for byte.
/// </summary>
public sealed record JsonFormat(
    bool ByteOrderMark,
    string Indent,
    string NewLine,
    bool ExpandedEmptyArrays,
    bool ExpandedEmptyObjects,
    bool TrailingNewLine)
{
    /// <summary>What System.Text.Json writes with <c>WriteIndented = true</c>.</summary>
    public static JsonFormat Default { get; } = new(false, "  ", "\n", false, false, false);

    private static readonly Regex ExpandedEmptyArray = new(@"\[[ \t]*\r?\n[ \t]*\]", RegexOptions.Compiled);
    private static readonly Regex ExpandedEmptyObject = new(@"\{[ \t]*\r?\n[ \t]*\}", RegexOptions.Compiled);
    private static readonly Regex FirstIndent = new(@"\n([ \t]+)\S", RegexOptions.Compiled);

    public static JsonFormat Detect(ReadOnlySpan<byte> utf8, bool byteOrderMark)
    {
        var text = Encoding.UTF8.GetString(utf8);
        var indentMatch = FirstIndent.Match(text);
        return new JsonFormat(
            byteOrderMark,
            indentMatch.Success ? indentMatch.Groups[1].Value : Default.Indent,
            text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n",
            ExpandedEmptyArray.IsMatch(text),
            ExpandedEmptyObject.IsMatch(text),
            text.EndsWith('\n'));
    }
}
