using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Activities;

/// <summary>An activity that, as the start of a published definition with <c>canStartWorkflow</c>,
/// starts new instances on a schedule. Inputs are evaluated without an instance (literals in practice).</summary>
public interface ITimerTrigger
{
    /// <summary>The next time to start an instance after <paramref name="now"/>; null when there is none
    /// (a one-shot StartAt that has fired). <paramref name="lastDue"/> is the firing being rescheduled.</summary>
    DateTimeOffset? NextDue(ActivityNode node, DateTimeOffset now, DateTimeOffset? lastDue, Func<string, System.Text.Json.Nodes.JsonNode?> evaluate);
}
