namespace CaseFlow.Workflows.Runtime;

public sealed record Incident(
    string Id,
    string InstanceId,
    string ActivityId,
    string ActivityType,
    string? ActivityName,
    string ExceptionType,
    string Message,
    string? StackTrace,
    DateTimeOffset At);
