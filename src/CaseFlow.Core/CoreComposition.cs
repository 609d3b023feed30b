using CaseFlow.Core.Activities;
using CaseFlow.Core.Cases;
using CaseFlow.Workflows.Activities;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Core;

public static class CoreComposition
{
    /// <summary>
    /// The domain services. The host supplies the storage (<see cref="ICaseStore"/>), the directory
    /// (<see cref="Directory.IDirectoryProvider"/>) and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddCaseFlowCore(this IServiceCollection services)
    {
        services.AddSingleton<CaseService>();
        return services;
    }

    /// <summary>The helpline's rules every workflow definition is validated against, beside the engine's own.</summary>
    /// <param name="calendars">The host's calendars, for the rule that an SLA timer names one that exists; left out, that rule is not run.</param>
    public static IReadOnlyList<Workflows.Validation.IDefinitionRule> CreateDefinitionRules(Calendars.ICalendarProvider? calendars = null) =>
        calendars is null ? [new Escalation.EscalationChainRule()] : [new Escalation.EscalationChainRule(), new Escalation.CalendarRule(calendars)];

    /// <summary>The Elsa built-ins plus the CaseFlow activities, registered one by one.</summary>
    public static ActivityRegistry CreateActivityRegistry() => ActivityRegistry.CreateWithBuiltIns()
        .Register<SlaTimer>()
        .Register<Escalate>()
        .Register<FlagForReview>()
        .Register<RequestFeedback>()
        .Register<Notify>()
        .Register<ComputeRanking>()
        .Register<DetectRecurringComplaints>()
        .Register<RenderCircular>()
        .Register<DeliverCircular>();
}
