using System.Text.Json.Nodes;
using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Expressions;

/// <summary>What an expression can see: the instance's variables, input and correlation id.</summary>
public interface IExpressionScope
{
    IReadOnlyList<VariableDefinition> VariableDefinitions { get; }
    JsonNode? GetVariable(string nameOrId);
    void SetVariable(string nameOrId, JsonNode? value);
    JsonNode? GetInput(string name);
    /// <summary>The workflow inputs a script may read by accessor (getMessage() for "message"): declared, or given at start.</summary>
    IEnumerable<string> InputNames { get; }
    string? CorrelationId { get; set; }
    string? InstanceId { get; }

    /// <summary>An output of a completed activity (a workflow used as one), by the activity's name or id: Elsa's getOutputFrom.</summary>
    JsonNode? GetActivityOutput(string activityNameOrId, string? outputName) => null;

    /// <summary>Variables that hold a value without being declared (an activity output bound to a name), read as getX() too.</summary>
    IEnumerable<string> StoredVariableNames => [];

    /// <summary>The activities whose outputs scripts may read as getOutputFrom{Name}().</summary>
    IEnumerable<string> OutputActivityNames => [];
}

/// <summary>For evaluating trigger inputs and validating, where no instance exists yet.</summary>
public sealed class EmptyExpressionScope(IReadOnlyList<VariableDefinition>? variables = null) : IExpressionScope
{
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);

    public IReadOnlyList<VariableDefinition> VariableDefinitions { get; } = variables ?? [];
    public JsonNode? GetVariable(string nameOrId) => _values.TryGetValue(nameOrId, out var v) ? v?.DeepClone() : null;
    public void SetVariable(string nameOrId, JsonNode? value) => _values[nameOrId] = value;
    public JsonNode? GetInput(string name) => null;
    public IEnumerable<string> InputNames => [];
    public string? CorrelationId { get; set; }
    public string? InstanceId => null;
}
