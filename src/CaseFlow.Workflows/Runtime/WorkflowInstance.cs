using System.Text.Json.Nodes;
using CaseFlow.Workflows.Persistence;

namespace CaseFlow.Workflows.Runtime;

/// <summary>A read view of an instance: the row plus what its state says.</summary>
public sealed record WorkflowInstance(
    string Id,
    string DefinitionId,
    int DefinitionVersion,
    string? CorrelationId,
    string? Name,
    WorkflowStatus Status,
    long Version,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyList<string> PendingActivityIds,
    string? FaultedActivityId,
    string? FaultMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string StateJson)
{
    /// <summary>The workflow's outputs (Elsa's SetOutput), and the instance that started it with ExecuteWorkflow, if any.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Output { get; init; } = new Dictionary<string, JsonNode?>();
    public string? ParentInstanceId { get; init; }

    internal static WorkflowInstance From(InstanceRecord record)
    {
        var state = InstanceState.Deserialize(record.State);
        return new WorkflowInstance(
            record.Id,
            record.DefinitionId,
            record.DefinitionVersion,
            record.CorrelationId,
            record.Name,
            record.Status,
            record.Version,
            state.Variables ?? new Dictionary<string, JsonNode?>(),
            state.Pending?.Keys.ToList() ?? [],
            state.FaultedActivityId,
            state.FaultMessage,
            record.CreatedAt,
            record.UpdatedAt,
            record.State)
        {
            Output = state.Output ?? new Dictionary<string, JsonNode?>(),
            ParentInstanceId = state.ParentInstanceId,
        };
    }
}
