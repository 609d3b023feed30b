namespace CaseFlow.Workflows.Runtime;

/// <summary>An event that arrived before any bookmark waited for it; kept until one does, or until
/// <see cref="ExpiresAt"/> if the engine is configured with a lifetime.</summary>
public sealed record Stimulus(string Id, string EventName, string? CorrelationId, string? PayloadJson, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt = null);
