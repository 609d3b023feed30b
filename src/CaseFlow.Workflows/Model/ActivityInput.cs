using System.Text.Json;

namespace CaseFlow.Workflows.Model;

/// <summary>An input as Elsa writes it: <c>{"typeName":T,"expression":{"type":K,"value":V}}</c>.</summary>
public sealed record ActivityInput(string Name, string? TypeName, string ExpressionType, JsonElement Value)
{
    /// <summary>The expression value when it is a JSON string (the usual case), else its raw JSON.</summary>
    public string? Text => Value.ValueKind switch
    {
        JsonValueKind.String => Value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => Value.GetRawText(),
    };

    public bool IsLiteral => string.Equals(ExpressionType, ExpressionTypes.Literal, StringComparison.OrdinalIgnoreCase);
}

public static class ExpressionTypes
{
    public const string Literal = "Literal";
    public const string Object = "Object";
    public const string Variable = "Variable";
    public const string JavaScript = "JavaScript";
}
