using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Persistence;

/// <summary>One instance row. <see cref="State"/> is the opaque compact JSON the runtime resumes from;
/// the other columns exist for queries. <see cref="Version"/> increases by one per committed step.</summary>
public sealed record InstanceRecord(
    string Id,
    string DefinitionId,
    int DefinitionVersion,
    string? CorrelationId,
    string? Name,
    WorkflowStatus Status,
    string State,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
