using CaseFlow.Core.Calendars;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Core.Escalation;

/// <summary>
/// An SLA timer counts working days on a calendar the server has: a name that is not one would only fail when a case
/// reaches the timer, so it is refused when the definition is saved or published.
/// </summary>
public sealed class CalendarRule(ICalendarProvider calendars) : IDefinitionRule
{
    public const string UnknownCalendar = "UNKNOWN_CALENDAR";

    public IEnumerable<ValidationIssue> Check(WorkflowDefinition definition, DefinitionShape shape, ValidationPurpose purpose)
    {
        var known = calendars.All.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var timer in definition.Activities.Where(a => a.Type == EscalationChainRule.SlaTimerType))
            if (timer.Inputs.TryGetValue("calendar", out var input) && input.IsLiteral && input.Text is { Length: > 0 } id && !known.Contains(id))
                yield return new ValidationIssue(ValidationSeverity.Error, UnknownCalendar, timer.Id, timer.Name,
                    $"{timer.Label}: there is no calendar '{id}'; the calendars are {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
    }
}
