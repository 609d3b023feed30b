using System.Text.Json.Nodes;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// Workflows started by another as instances of their own (Elsa's ExecuteWorkflow and DispatchWorkflow): each has its
/// own journal, bookmarks and timers, and one that a parent waits for tells it when it ends with
/// <see cref="CompletedEvent"/>, correlated by the child's instance id.
/// </summary>
public interface IChildWorkflows
{
    public const string CompletedEvent = "Elsa.WorkflowCompleted";

    /// <summary>Starts the child unless an instance with <paramref name="instanceId"/> exists (a repeated start is a no-op).</summary>
    Task<WorkflowInstance> StartChildAsync(string definitionId, string instanceId, string? correlationId, IReadOnlyDictionary<string, object?>? input,
        string? parentInstanceId, CancellationToken cancellationToken);

    Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>What a parent receives about a child that ended: its id, status and outputs (Elsa's ExecuteWorkflowResult).</summary>
    public static JsonObject Result(WorkflowInstance child) => new()
    {
        ["workflowInstanceId"] = child.Id,
        ["status"] = child.Status.ToString(),
        ["output"] = new JsonObject(child.Output.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))),
    };
}
