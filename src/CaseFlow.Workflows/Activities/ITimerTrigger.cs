using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Workflows.Activities;

/// <summary>An activity that, as the start of a published definition with <c>canStartWorkflow</c>,
/// starts new instances on a schedule. Inputs are evaluated without an instance (literals in practice).</summary>
public interface ITimerTrigger
{
    /// <summary>The next time to start an instance after <paramref name="now"/>; null when there is none
    /// (a one-shot StartAt that has fired). <paramref name="lastDue"/> is the firing being rescheduled.</summary>
    DateTimeOffset? NextDue(ActivityNode node, DateTimeOffset now, DateTimeOffset? lastDue, Func<string, System.Text.Json.Nodes.JsonNode?> evaluate);

    /// <summary>What is wrong with the schedule as evaluated (fires too often, never, too far ahead), or null.
    /// Throws as <see cref="NextDue"/> would for a value that is not a schedule at all.</summary>
    string? CheckSchedule(ActivityNode node, DateTimeOffset now, Func<string, System.Text.Json.Nodes.JsonNode?> evaluate, ValidationLimits limits);
}
