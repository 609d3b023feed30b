using System.Globalization;
using CaseFlow.Core.Activities;
using CaseFlow.Core.Calendars;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Core.Escalation;

/// <summary>
/// An escalation flow's limits, level by level, read from its SLA timers (literal values, as an administrator sets them)
/// and worked out with the same rule the running timer uses (<see cref="SlaTimer.Due"/>). It answers the designer's two
/// questions before a version is published: when would a case registered at a given moment be due at each level, and
/// which open cases would be past their limit under this version.
/// </summary>
public sealed class LimitPlan
{
    private readonly Dictionary<int, Limit> _limits;

    private LimitPlan(Dictionary<int, Limit> limits) => _limits = limits;

    /// <summary>One level's limit, or why it cannot be worked out before run time (a script).</summary>
    public sealed record Limit(int Level, string TimerId, TimeSpan? Duration, int WorkingDays, WorkingCalendar? Calendar, string? Problem);

    public sealed record LevelDue(int Level, string TimerId, DateTimeOffset Start, DateTimeOffset? Due, string Limit, string? Problem);

    public IReadOnlyCollection<Limit> Levels => _limits.Values;

    public static LimitPlan Of(WorkflowDefinition definition, DefinitionShape shape, ICalendarProvider calendars)
    {
        var limits = new Dictionary<int, Limit>();
        foreach (var level in EscalationChainRule.Levels(definition, shape))
        {
            var timer = definition.Activities.First(a => a.Id == level.TimerId);
            string? problem = null;
            string? Literal(string input)
            {
                if (!timer.Inputs.TryGetValue(input, out var value) || string.IsNullOrWhiteSpace(value.Text)) return null;
                if (!value.IsLiteral) problem ??= $"{timer.Label}: '{input}' is a {value.ExpressionType} expression, worked out only when a case runs.";
                return value.IsLiteral ? value.Text : null;
            }
            TimeSpan? duration = Literal("duration") is { } d && TimeSpan.TryParse(d, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
            var days = Literal("workingDays") is { } w && int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : SlaTimer.DefaultWorkingDays;
            WorkingCalendar? calendar = null;
            var calendarId = Literal("calendar") ?? ICalendarProvider.DefaultId;
            try { calendar = calendars.Get(calendarId); }
            catch (Exception e) when (e is KeyNotFoundException or Errors.CaseFlowException) { problem ??= $"{timer.Label}: there is no calendar '{calendarId}'."; }
            limits[level.Level] = new Limit(level.Level, level.TimerId, duration, days, calendar, problem);
        }
        return new LimitPlan(limits);
    }

    /// <summary>When a level's limit that started at <paramref name="start"/> runs out; null when this plan has no such level or cannot say.</summary>
    public DateTimeOffset? DueAt(int level, DateTimeOffset start) =>
        _limits.TryGetValue(level, out var l) && l.Problem is null && l.Calendar is not null ? SlaTimer.Due(start, l.Duration, l.WorkingDays, l.Calendar).Due : null;

    /// <summary>A case registered at <paramref name="registered"/> and never resolved: each level starts when the one before ran out.</summary>
    public IReadOnlyList<LevelDue> Simulate(DateTimeOffset registered)
    {
        var result = new List<LevelDue>();
        var start = registered;
        foreach (var l in _limits.Values.OrderBy(l => l.Level))
        {
            if (l.Problem is not null || l.Calendar is null)
            {
                result.Add(new LevelDue(l.Level, l.TimerId, start, null, "", l.Problem));
                break;
            }
            var (due, limit) = SlaTimer.Due(start, l.Duration, l.WorkingDays, l.Calendar);
            result.Add(new LevelDue(l.Level, l.TimerId, start, due, limit, null));
            start = due;
        }
        return result;
    }
}
