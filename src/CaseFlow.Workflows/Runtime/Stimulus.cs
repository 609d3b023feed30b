namespace CaseFlow.Workflows.Runtime;

/// <summary>An event that arrived before any bookmark waited for it; kept until one does.</summary>
public sealed record Stimulus(string Id, string EventName, string? CorrelationId, string? PayloadJson, DateTimeOffset CreatedAt);
