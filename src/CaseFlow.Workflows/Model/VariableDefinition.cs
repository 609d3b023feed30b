using System.Text.Json;

namespace CaseFlow.Workflows.Model;

/// <param name="Value">The declared initial value as written (Elsa writes numbers as strings, e.g. <c>"0"</c>).</param>
public sealed record VariableDefinition(string Id, string Name, string TypeName, bool IsArray, JsonElement? Value);
