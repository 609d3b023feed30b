using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Workflows;

/// <summary>How a host wants the runtime set up; given once, at composition.</summary>
/// <param name="PollInterval">How often the timer pump looks for timers it could not see coming (another process made them).</param>
/// <param name="BatchSize">Due timers claimed and run as one batch.</param>
/// <param name="Rules">The host's domain rules every definition is validated against.</param>
public sealed record WorkflowRuntimeSettings(ValidationLimits Limits, WorkflowEngineOptions Engine, TimeSpan PollInterval, int BatchSize,
    IReadOnlyList<IDefinitionRule>? Rules = null);

public static class WorkflowsComposition
{
    /// <summary>
    /// The runtime: definitions (validated within the host's limits), the engine and its timer pump. The host
    /// registers what the runtime does not own: the stores (<see cref="IWorkflowDefinitionStore"/>,
    /// <see cref="IWorkflowInstanceStore"/>, <see cref="IBookmarkStore"/>, <see cref="IStimulusStore"/>), the
    /// <see cref="ActivityRegistry"/>, a <see cref="TimeProvider"/> and, optionally, an <see cref="IStepFeatureSource"/>.
    /// </summary>
    public static IServiceCollection AddCaseFlowWorkflows(this IServiceCollection services, Func<IServiceProvider, WorkflowRuntimeSettings> settings)
    {
        services.AddSingleton<WorkflowRuntimeSettings>(settings);
        services.AddSingleton(sp => new WorkflowDefinitionService(sp.GetRequiredService<IWorkflowDefinitionStore>(), sp.GetRequiredService<IBookmarkStore>(),
            sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkflowRuntimeSettings>().Limits,
            sp.GetRequiredService<WorkflowRuntimeSettings>().Rules));
        services.AddSingleton(sp => new WorkflowEngine(sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<WorkflowDefinitionService>(),
            sp.GetRequiredService<IWorkflowInstanceStore>(), sp.GetRequiredService<IBookmarkStore>(), sp.GetRequiredService<IStimulusStore>(),
            sp.GetRequiredService<TimeProvider>(), sp, sp.GetRequiredService<WorkflowRuntimeSettings>().Engine, sp.GetService<IStepFeatureSource>()));
        services.AddSingleton(sp =>
        {
            var s = sp.GetRequiredService<WorkflowRuntimeSettings>();
            return new WorkflowTimerPump(sp.GetRequiredService<WorkflowEngine>(), sp.GetRequiredService<IBookmarkStore>(), sp.GetRequiredService<TimeProvider>())
            {
                PollInterval = s.PollInterval,
                BatchSize = s.BatchSize,
            };
        });
        services.AddSingleton<WorkflowInstanceQueries>();
        return services;
    }
}
