namespace CaseFlow.Workflows.Validation;

/// <summary>
/// Bounds a definition must keep to be saved without errors and published. They are about what a server
/// can carry, not about Elsa: Elsa accepts a timer of one millisecond and a delay of 29,000 years.
/// </summary>
/// <param name="MaxDuration">The longest duration any input may hold (a Delay, an SLA limit, a timer interval),
/// and the furthest ahead a cron or start-at trigger may next fire.</param>
/// <param name="MinTimerInterval">The shortest interval between two starts of a timer or cron trigger.</param>
public sealed record ValidationLimits(TimeSpan MaxDuration, TimeSpan MinTimerInterval)
{
    public static ValidationLimits Default { get; } = new(TimeSpan.FromDays(366), TimeSpan.FromMinutes(1));
}
