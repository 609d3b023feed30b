using System.Text.Json;
using System.Text.Json.Nodes;
using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Expressions;

/// <summary>Evaluates an activity input's expression to a JSON value.</summary>
public sealed class ExpressionEvaluator
{
    public JavaScriptEvaluator JavaScript { get; } = new();

    public JsonNode? Evaluate(ActivityInput input, IExpressionScope scope)
    {
        switch (input.ExpressionType)
        {
            case ExpressionTypes.Literal:
                return LiteralValue(input);
            case ExpressionTypes.Object:
                var text = input.Text;
                if (string.IsNullOrWhiteSpace(text))
                    return null;
                try
                {
                    return JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    return JsonValue.Create(text);
                }
            case ExpressionTypes.Variable:
                return scope.GetVariable(VariableReference(input.Value) ?? "");
            case ExpressionTypes.JavaScript:
                return string.IsNullOrWhiteSpace(input.Text) ? null : JavaScript.Evaluate(input.Text, scope);
            default:
                throw new NotSupportedException($"Expression type '{input.ExpressionType}' is not supported (input '{input.Name}').");
        }
    }

    private static JsonNode? LiteralValue(ActivityInput input) =>
        input.Value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            _ => JsonNode.Parse(input.Value.GetRawText()),
        };

    /// <summary>Elsa writes a variable reference as the variable's id, or as <c>{"id":..., "name":...}</c>.</summary>
    public static string? VariableReference(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object => ActivityNode.Str(value, "id") ?? ActivityNode.Str(value, "name"),
        _ => null,
    };
}
