using CaseFlow.Core.Calendars;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Server.Persistence.Workflows;
using CaseFlow.Server.Telemetry;
using CaseFlow.Workflows.Persistence;

namespace CaseFlow.Server.Persistence;

public static class PersistenceComposition
{
    /// <summary>
    /// The database and everything stored in it: the one writer, the case store, the directory and calendars
    /// held in memory, and the workflow runtime's stores. Needs <see cref="PersistenceOptions"/>, the meters, and
    /// (for workflow steps) an <see cref="IWorkflowEffectApplier"/> from the room above.
    /// </summary>
    public static IServiceCollection AddCaseFlowPersistence(this IServiceCollection services)
    {
        services.AddSingleton<CaseFlowDatabase>();
        services.AddSingleton<CommitSignal>();
        services.AddSingleton<OpenClocks>();
        services.AddSingleton(sp => new CaseWriter(sp.GetRequiredService<CaseFlowDatabase>(),
            sp.GetRequiredService<PersistenceOptions>().Database.MaxWriteBatch, sp.GetRequiredService<ILogger<CaseWriter>>(),
            sp.GetRequiredService<CaseFlowMetrics>(), sp.GetRequiredService<CommitSignal>()));
        services.AddHostedService(sp => sp.GetRequiredService<CaseWriter>());
        services.AddSingleton<EfCaseStore>();
        services.AddSingleton<ICaseStore>(sp => sp.GetRequiredService<EfCaseStore>());
        services.AddSingleton<DirectoryStore>();
        services.AddSingleton<IDirectoryProvider>(sp => sp.GetRequiredService<DirectoryStore>());
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<ICalendarProvider>(sp => sp.GetRequiredService<CalendarStore>());

        services.AddSingleton(sp => new EfWorkflowStore(sp.GetRequiredService<CaseFlowDatabase>(), sp.GetRequiredService<CaseWriter>(),
            sp.GetRequiredService<IWorkflowEffectApplier>()));
        services.AddSingleton<IWorkflowInstanceStore>(sp => sp.GetRequiredService<EfWorkflowStore>());
        services.AddSingleton<IBookmarkStore>(sp => sp.GetRequiredService<EfWorkflowStore>());
        services.AddSingleton<IStimulusStore>(sp => sp.GetRequiredService<EfWorkflowStore>());
        services.AddSingleton<IWorkflowDefinitionStore, EfWorkflowDefinitionStore>();
        return services;
    }

    /// <summary>Brings the schema up to date and loads the directory and calendars, before anything reads them.</summary>
    public static async Task StartCaseFlowPersistenceAsync(this IServiceProvider services, CancellationToken ct)
    {
        await services.GetRequiredService<CaseFlowDatabase>().MigrateAsync(ct);
        await services.GetRequiredService<DirectoryStore>().LoadAsync(ct);
        await services.GetRequiredService<CalendarStore>().LoadAsync(ct);
    }
}
