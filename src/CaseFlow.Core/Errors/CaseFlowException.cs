namespace CaseFlow.Core.Errors;

/// <summary>The kinds of refusal the domain can give; the server maps each to one gRPC status code.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    Unauthenticated,
    FailedPrecondition,
    Aborted,
    ResourceExhausted,
    /// <summary>Nothing wrong with the request: the service cannot serve it now (its database is unreachable); retry.</summary>
    Unavailable,
}

public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// A refusal the caller can act on. <see cref="Reason"/> is a stable UPPER_SNAKE code that integrating
/// systems switch on; the message is for people.
/// </summary>
public sealed class CaseFlowException : Exception
{
    public CaseFlowException(ErrorKind kind, string reason, string message, IReadOnlyList<FieldViolation>? violations = null,
        IReadOnlyDictionary<string, string>? metadata = null)
        : base(message)
    {
        Kind = kind;
        Reason = reason;
        Violations = violations ?? [];
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    public ErrorKind Kind { get; }
    public string Reason { get; }
    public IReadOnlyList<FieldViolation> Violations { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The message names the fields and, for one, says what is wrong; the descriptions of several
    /// travel once, in the BadRequest detail, so the error stays small enough for any client's trailer limit.</summary>
    public static CaseFlowException Invalid(IReadOnlyList<FieldViolation> violations) =>
        new(ErrorKind.InvalidArgument, "INVALID_FIELDS",
            violations.Count == 1
                ? $"The request has an invalid field: {violations[0].Field} {violations[0].Description}"
                : $"The request has {violations.Count} invalid fields: {string.Join(", ", violations.Select(v => v.Field))}.",
            violations);

    public static CaseFlowException Invalid(string field, string description) => Invalid([new FieldViolation(field, description)]);

    public static CaseFlowException NotFound(string what, string name) =>
        new(ErrorKind.NotFound, what.ToUpperInvariant() + "_NOT_FOUND", $"{what} '{name}' does not exist.",
            metadata: new Dictionary<string, string> { ["name"] = name });

    public static CaseFlowException Denied(string message) => new(ErrorKind.PermissionDenied, "PERMISSION_DENIED", message);
}
