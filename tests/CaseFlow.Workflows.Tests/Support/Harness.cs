using System.Text.Json.Nodes;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace CaseFlow.Workflows.Tests.Support;

/// <summary>An engine over in-memory stores with a fake clock; several engines can share one store.</summary>
public sealed class Harness
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);

    public Harness(Action<ActivityRegistry>? register = null, Action<ServiceMap>? services = null)
    {
        Registry = ActivityRegistry.CreateWithBuiltIns();
        register?.Invoke(Registry);
        Services.Add<IWriteLineSink>(Sink);
        services?.Invoke(Services);
        Definitions = new WorkflowDefinitionService(DefinitionStore, Store, Registry, Time);
        Engine = NewEngine("engine-a");
    }

    public FakeTimeProvider Time { get; } = new(Epoch);
    public InMemoryWorkflowStore Store { get; } = new();
    public InMemoryWorkflowDefinitionStore DefinitionStore { get; } = new();
    public ActivityRegistry Registry { get; }
    public ServiceMap Services { get; } = new();
    public RecordingLineSink Sink { get; } = new();
    public WorkflowDefinitionService Definitions { get; }
    public WorkflowEngine Engine { get; }

    /// <summary>A second engine over the same stores, as a second server process over one database.</summary>
    public WorkflowEngine NewEngine(string id, TimeSpan? lease = null) =>
        new(Registry, Definitions, Store, Store, Store, Time, Services, new WorkflowEngineOptions { EngineId = id, TimerLease = lease ?? TimeSpan.FromMinutes(5) });

    public async Task<string> PublishSampleAsync(string fileName)
    {
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample(fileName)));
        return await PublishAsync(definition);
    }

    public async Task<string> PublishAsync(WorkflowDefinition definition)
    {
        await Definitions.SaveDraftAsync(definition);
        var result = await Definitions.PublishAsync(definition.DefinitionId);
        Assert.That(result.Published, Is.True, () => result.Validation.ToString());
        return definition.DefinitionId;
    }

    public Task<string> PublishAsync(JsonObject json) => PublishAsync(WorkflowDefinition.FromJsonObject(json));

    /// <summary>Moves the clock and runs the timer pump, as the host's timer service would.</summary>
    public async Task<int> AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        return await Engine.FireAllDueTimersAsync();
    }
}
