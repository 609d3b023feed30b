namespace CaseFlow.Workflows.Validation;

public enum ValidationSeverity
{
    Warning,
    Error,
}

/// <summary>One finding. <see cref="ActivityId"/>/<see cref="ActivityName"/> name the activity it concerns, if any.</summary>
public sealed record ValidationIssue(ValidationSeverity Severity, string Code, string? ActivityId, string? ActivityName, string Message)
{
    public override string ToString() => $"{Severity} {Code}: {Message}";
}

public sealed record ValidationResult(IReadOnlyList<ValidationIssue> Issues)
{
    public static ValidationResult Empty { get; } = new([]);

    public IEnumerable<ValidationIssue> Errors => Issues.Where(i => i.Severity == ValidationSeverity.Error);
    public IEnumerable<ValidationIssue> Warnings => Issues.Where(i => i.Severity == ValidationSeverity.Warning);
    public bool HasErrors => Issues.Any(i => i.Severity == ValidationSeverity.Error);

    public override string ToString() => string.Join(Environment.NewLine, Issues);
}

public static class ValidationCodes
{
    public const string NoStartActivity = "NO_START_ACTIVITY";
    public const string UnknownActivityType = "UNKNOWN_ACTIVITY_TYPE";
    public const string DanglingConnection = "DANGLING_CONNECTION";
    public const string UnknownPort = "UNKNOWN_PORT";
    public const string UnreachableActivity = "UNREACHABLE_ACTIVITY";
    public const string InvalidCron = "INVALID_CRON_EXPRESSION";
    public const string AmbiguousDuration = "AMBIGUOUS_DURATION";
    public const string InvalidDuration = "INVALID_DURATION";
    public const string InvalidDateTime = "INVALID_DATE_TIME";
    public const string InvalidScript = "INVALID_SCRIPT";
    public const string UnsupportedExpression = "UNSUPPORTED_EXPRESSION";
    public const string LoopWithoutWait = "LOOP_WITHOUT_WAIT";
    /// <summary>A value given to a workflow used as an activity that its declared input type cannot hold.</summary>
    public const string InputTypeMismatch = "INPUT_TYPE_MISMATCH";
    public const string InvalidNumber = "INVALID_NUMBER";
    public const string OutOfRange = "OUT_OF_RANGE";
    public const string InvalidChoice = "INVALID_CHOICE";
    public const string InvalidTrigger = "INVALID_TRIGGER";
}
