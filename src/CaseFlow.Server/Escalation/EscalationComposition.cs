using CaseFlow.Core.Calendars;
using CaseFlow.Core;
using CaseFlow.Core.Directory;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Workflows;
using CaseFlow.Workflows;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Server.Escalation;

public static class EscalationComposition
{
    /// <summary>
    /// Cases meeting workflows: the runtime with the CaseFlow activities, the hook that starts a new case's
    /// workflow in the case's own commit, the effect applier, the timer service and the repair sweep. Needs
    /// <see cref="WorkflowOptions"/> and <see cref="PersistenceOptions"/>.
    /// </summary>
    public static IServiceCollection AddCaseFlowEscalation(this IServiceCollection services)
    {
        services.AddSingleton(_ => CoreComposition.CreateActivityRegistry());
        services.AddSingleton<IWorkflowEffectApplier, CaseEffectApplier>();
        services.AddSingleton<CaseStepSource>();
        services.AddSingleton<IStepFeatureSource>(sp => sp.GetRequiredService<CaseStepSource>());
        services.AddCaseFlowWorkflows(sp =>
        {
            var w = sp.GetRequiredService<WorkflowOptions>();
            return new WorkflowRuntimeSettings(new ValidationLimits(w.MaxDuration, w.MinTimerInterval), new WorkflowEngineOptions
            {
                EngineId = sp.GetRequiredService<PersistenceOptions>().ReplicaId,
                TimerLease = w.TimerLease,
                StimulusLifetime = TimeSpan.FromDays(1),
                MaxActivitiesPerStep = w.MaxActivitiesPerStep,
                MaxStepDuration = w.MaxStepDuration,
                TransientEvents = new HashSet<string>(StringComparer.Ordinal) { CaseWorkflowHook.ChangedEvent },
            }, w.TimerPoll, w.TimerBatchSize, CoreComposition.CreateDefinitionRules(sp.GetRequiredService<ICalendarProvider>()));
        });
        services.AddSingleton(sp => new CaseWorkflowHook(sp.GetRequiredService<WorkflowEngine>(), sp.GetRequiredService<IDirectoryProvider>(),
            sp.GetRequiredService<WorkflowOptions>().DefaultDefinition, sp.GetRequiredService<ILogger<CaseWorkflowHook>>()));
        services.AddSingleton(sp => new CaseWorkflowRepair(sp.GetRequiredService<CaseFlowDatabase>(), sp.GetRequiredService<CaseWriter>(),
            sp.GetRequiredService<WorkflowOptions>().RepairInterval, sp.GetRequiredService<ILogger<CaseWorkflowRepair>>()));
        services.AddHostedService(sp => sp.GetRequiredService<CaseWorkflowRepair>());
        services.AddHostedService<WorkflowTimerService>();
        return services;
    }

    /// <summary>
    /// Before the first request: the workflows folder seeds an empty store, triggers are scheduled (a version whose
    /// schedule broke falls back to the last good one), the writer gets its hook, and claims a previous run of this
    /// replica left behind are freed now rather than after their lease.
    /// </summary>
    public static async Task StartCaseFlowEscalationAsync(this IServiceProvider services)
    {
        await SeedWorkflowsAsync(services);
        // The writer sits below the workflow layer; the layer plugs into it here rather than the writer knowing it.
        services.GetRequiredService<CaseWriter>().UseHook(services.GetRequiredService<CaseWorkflowHook>());
        await services.GetRequiredService<WorkflowEngine>().ReleaseClaimsAsync();
    }

    /// <summary>
    /// On first start the files in workflows/ become the published definitions; after that the database is
    /// the record and administrators' edits survive restarts. A file that does not validate is reported
    /// and skipped, never published.
    /// </summary>
    private static async Task SeedWorkflowsAsync(IServiceProvider services)
    {
        var folder = services.GetRequiredService<WorkflowOptions>().ResolvedDirectory;
        var definitions = services.GetRequiredService<WorkflowDefinitionService>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("CaseFlow.Workflows");
        if (Directory.Exists(folder))
        {
            foreach (var result in await definitions.SeedFromDirectoryAsync(folder))
            {
                if (result.Published)
                    log.LogInformation("Published workflow {Definition} v{Version} from the workflows folder", result.Definition!.DefinitionId, result.Definition.Version);
                else
                    log.LogError("Workflow {Definition} was not published: {Issues}", result.Definition?.DefinitionId, result.Validation);
            }
        }
        foreach (var problem in await definitions.EnsureTriggersAsync())
        {
            if (problem.FellBackTo is { } back)
                log.LogError("Workflow {Definition} v{Version} cannot schedule its trigger: {Problem} Version {Back} is back in force; fix the definition and publish again.",
                    problem.DefinitionId, problem.Version, problem.Problem, back);
            else
                log.LogError("Workflow {Definition} v{Version} cannot schedule its trigger and no earlier version can: {Problem} It starts no instances until fixed and published again.",
                    problem.DefinitionId, problem.Version, problem.Problem);
        }
    }
}
