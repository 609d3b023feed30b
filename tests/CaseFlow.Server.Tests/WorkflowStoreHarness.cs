using System.Text.Json.Nodes;
using CaseFlow.Core.Cases;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Workflows;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The real workflow engine over the EF stores on a temporary database (a SQLite file or a fresh PostgreSQL
/// database), with a fake clock. Several engines made with <see cref="NewEngine"/> share it, as several server
/// processes would share one database.
/// </summary>
internal sealed class WorkflowStoreHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);

    private readonly bool _ownsDirectory;
    private readonly TestDatabase _database;
    private readonly SinkServices _services = new();

    private WorkflowStoreHarness(TestDatabase database, string dataDirectory, bool owns, IWorkflowEffectApplier? applier, Action<ActivityRegistry>? register)
    {
        DataDirectory = dataDirectory;
        _ownsDirectory = owns;
        _database = database;
        Database = new CaseFlowDatabase(database.Options(dataDirectory, Path.Combine(AppContext.BaseDirectory, "seed")));
        // Step commits go through the single writer, as in the server.
        Writer = new CaseWriter(Database, 256, Microsoft.Extensions.Logging.Abstractions.NullLogger<CaseWriter>.Instance);
        Store = new EfWorkflowStore(Database, Writer, applier);
        DefinitionStore = new EfWorkflowDefinitionStore(Database);
        Registry = ActivityRegistry.CreateWithBuiltIns();
        register?.Invoke(Registry);
        Definitions = new WorkflowDefinitionService(DefinitionStore, Store, Registry, Time);
        Engine = NewEngine("engine-main");
    }

    public string DataDirectory { get; }
    public CaseFlowDatabase Database { get; }
    public CaseWriter Writer { get; }
    public EfWorkflowStore Store { get; }
    public EfWorkflowDefinitionStore DefinitionStore { get; }
    public FakeTimeProvider Time { get; } = new(Epoch);
    public ActivityRegistry Registry { get; }
    public WorkflowDefinitionService Definitions { get; }
    public WorkflowEngine Engine { get; }
    public LineSink Sink => _services.Sink;

    /// <param name="reopen">An existing harness whose database to reopen; a new database otherwise.</param>
    public static async Task<WorkflowStoreHarness> CreateAsync(DatabaseProvider provider, IWorkflowEffectApplier? applier = null, WorkflowStoreHarness? reopen = null,
        Action<ActivityRegistry>? register = null)
    {
        var h = reopen is null
            ? new WorkflowStoreHarness(TestDatabase.Create(provider), Directory.CreateTempSubdirectory("caseflow-wfstore-").FullName, true, applier, register)
            : new WorkflowStoreHarness(reopen._database, reopen.DataDirectory, false, applier, register);
        await h.Database.MigrateAsync(CancellationToken.None);
        await h.Writer.StartAsync(CancellationToken.None);
        return h;
    }

    /// <param name="instances">The instance store this engine commits through; the shared store by default.</param>
    public WorkflowEngine NewEngine(string id, TimeSpan? lease = null, IWorkflowInstanceStore? instances = null) =>
        new(Registry, Definitions, instances ?? Store, Store, Store, Time, _services,
            new WorkflowEngineOptions { EngineId = id, TimerLease = lease ?? TimeSpan.FromMinutes(5) });

    public async Task<string> PublishAsync(WorkflowDefinition definition)
    {
        await Definitions.SaveDraftAsync(definition);
        var result = await Definitions.PublishAsync(definition.DefinitionId);
        Assert.That(result.Published, Is.True, () => result.Validation.ToString());
        return definition.DefinitionId;
    }

    public Task<string> PublishAsync(JsonObject json) => PublishAsync(WorkflowDefinition.FromJsonObject(json));

    public Task<string> PublishSampleAsync(string fileName) => PublishAsync(WorkflowDefinition.Parse(File.ReadAllBytes(Samples.Path(fileName))));

    /// <summary>Moves the clock and runs the timer pump, as the host's timer service would.</summary>
    public async Task<int> AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        return await Engine.FireAllDueTimersAsync();
    }

    public async Task<int> CountCaseEventsAsync(string text)
    {
        await using var db = Database.CreateContext();
        return await db.CaseEvents.CountAsync(e => e.Text == text);
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.StopAsync(CancellationToken.None);
        // Pooled connections keep the file open; release them so the folder can go.
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        if (_ownsDirectory)
        {
            await _database.DisposeAsync();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A reopened harness over the same folder may still hold it; the OS temp cleaner gets it later.
            }
        }
    }

    private sealed class SinkServices : IServiceProvider
    {
        public LineSink Sink { get; } = new();

        public object? GetService(Type serviceType) => serviceType == typeof(IWriteLineSink) ? Sink : null;
    }
}

internal sealed class LineSink : IWriteLineSink
{
    private readonly Lock _lock = new();
    private readonly List<(string InstanceId, string Text)> _lines = [];

    public void WriteLine(string instanceId, string activityId, string text)
    {
        lock (_lock)
            _lines.Add((instanceId, text));
    }

    public IReadOnlyList<(string InstanceId, string Text)> Lines
    {
        get
        {
            lock (_lock)
                return _lines.ToList();
        }
    }

    public IReadOnlyList<string> LinesOf(string instanceId) => Lines.Where(l => l.InstanceId == instanceId).Select(l => l.Text).ToList();
}

/// <summary>The shared Elsa samples live in ../shared beside the repository, as the workflow tests find them.</summary>
internal static class Samples
{
    private static readonly Lazy<string> Dir = new(() =>
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "CaseFlow.sln")))
            dir = dir.Parent;
        return dir is null
            ? throw new DirectoryNotFoundException($"No repository root above {TestContext.CurrentContext.TestDirectory}.")
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "elsa-samples"));
    });

    public static string Path(string fileName) => System.IO.Path.Combine(Dir.Value, fileName);
}

/// <summary>Small Elsa 3 flowchart documents in the current shape.</summary>
internal static class WorkflowJson
{
    public static JsonObject Definition(string definitionId, JsonObject[] activities, params (string Source, string Target)[] connections) => new()
    {
        ["$schema"] = "https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json",
        ["id"] = definitionId + "-v",
        ["definitionId"] = definitionId,
        ["name"] = definitionId,
        ["version"] = 1,
        ["variables"] = new JsonArray(),
        ["isLatest"] = true,
        ["isPublished"] = false,
        ["root"] = new JsonObject
        {
            ["id"] = "Flowchart1",
            ["type"] = "Elsa.Flowchart",
            ["version"] = 1,
            ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
            ["connections"] = new JsonArray(connections.Select(c => (JsonNode)new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = c.Source, ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = c.Target, ["port"] = "In" },
                ["vertices"] = new JsonArray(),
            }).ToArray()),
        },
    };

    public static JsonObject Activity(string id, string type, params (string Name, string TypeName, string Value)[] inputs)
    {
        var a = new JsonObject
        {
            ["id"] = id,
            ["name"] = id,
            ["type"] = type,
            ["version"] = 1,
            ["customProperties"] = new JsonObject { ["canStartWorkflow"] = false, ["runAsynchronously"] = false },
        };
        foreach (var (name, typeName, value) in inputs)
            a[name] = new JsonObject { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value } };
        return a;
    }

    public static JsonObject Start() => Activity("Start1", "Elsa.Start");

    public static JsonObject End() => Activity("End1", "Elsa.End");

    public static JsonObject WriteLine(string id, string text) => Activity(id, "Elsa.WriteLine", ("text", "String", text));

    public static JsonObject Event(string id, string eventName) => Activity(id, "Elsa.Event", ("eventName", "String", eventName));

    public static JsonObject Delay(string id, string timeSpan) => Activity(id, "Elsa.Delay", ("timeSpan", "TimeSpan", timeSpan));
}

/// <summary>A domain change a step asks for; <see cref="Mode"/> says how the test applier treats it.</summary>
internal sealed record NoteEffect(string Text, NoteMode Mode = NoteMode.Write) : IStepEffect;

internal enum NoteMode
{
    /// <summary>Writes a case-event row with the step.</summary>
    Write,

    /// <summary>Writes the row, then reports a concurrency conflict.</summary>
    WriteThenConflict,

    /// <summary>Writes the row, then fails as a broken write would (an exception, not a conflict).</summary>
    WriteThenFail,
}

/// <summary>A stand-in for the case-effect applier: writes each note as a case event through the batch's statements.</summary>
internal sealed class NoteApplier : IWorkflowEffectApplier
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async Task<string?> ApplyAsync(WriteBatch batch, IReadOnlyList<IStepEffect> effects)
    {
        Interlocked.Increment(ref _calls);
        foreach (var effect in effects.Cast<NoteEffect>())
        {
            await batch.CaseRows.InsertEventAsync(new CaseEvent
            {
                CaseNumber = "WF-TEST", Department = "test", Type = CaseEventType.NoteAdded, At = WorkflowStoreHarness.Epoch,
                ActorSystem = "workflow", Text = effect.Text, CaseVersion = 1,
            }, batch.Transaction);
            switch (effect.Mode)
            {
                case NoteMode.WriteThenConflict:
                    return $"Simulated concurrent change after writing '{effect.Text}'.";
                case NoteMode.WriteThenFail:
                    throw new InvalidOperationException($"Simulated failure after writing '{effect.Text}'.");
            }
        }
        return null;
    }

    public IReadOnlyList<string?> Check(WriteBatch batch, IReadOnlyList<IReadOnlyList<IStepEffect>> steps)
    {
        Interlocked.Increment(ref _calls);
        return steps.Select(effects => effects.Cast<NoteEffect>().FirstOrDefault(n => n.Mode == NoteMode.WriteThenConflict) is { } n
            ? $"Simulated concurrent change after writing '{n.Text}'." : null).ToList();
    }

    public async Task WriteCheckedAsync(WriteBatch batch, IReadOnlyList<IReadOnlyList<IStepEffect>> steps)
    {
        foreach (var effect in steps.SelectMany(e => e).Cast<NoteEffect>())
        {
            await batch.CaseRows.InsertEventAsync(new CaseEvent
            {
                CaseNumber = "WF-TEST", Department = "test", Type = CaseEventType.NoteAdded, At = WorkflowStoreHarness.Epoch,
                ActorSystem = "workflow", Text = effect.Text, CaseVersion = 1,
            }, batch.Transaction);
            if (effect.Mode == NoteMode.WriteThenFail)
                throw new InvalidOperationException($"Simulated failure after writing '{effect.Text}'.");
        }
    }
}

/// <summary>Adds its <c>text</c> input as a <see cref="NoteEffect"/> to the step's commit.</summary>
[Activity("Test", "Note")]
[Input("text", "String")]
[Outcomes(Done)]
internal sealed class NoteActivity : CaseFlow.Workflows.Activities.Activity
{
    private static string ValueConverterText(System.Text.Json.Nodes.JsonNode? node) => CaseFlow.Workflows.Expressions.ValueConverter.ToText(node) ?? "";

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        // The text may come from the instance's input; one starting with "fail" makes the applier throw on it.
        var text = context.EvaluateString("text") is { Length: > 0 } t ? t : ValueConverterText(context.GetWorkflowInput("text"));
        context.AddEffect(new NoteEffect(text, text.StartsWith("fail", StringComparison.Ordinal) ? NoteMode.WriteThenFail : NoteMode.Write));
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Holds each batch commit until the other engine has one ready too (or a moment has passed), so two engines'
/// steps reach the database together instead of one engine draining the timers before the other gets the lock.
/// </summary>
internal sealed class RendezvousInstanceStore(IWorkflowInstanceStore inner, Barrier barrier) : IWorkflowInstanceStore
{
    private int _met;
    private int _rejected;

    /// <summary>Batches that committed side by side with the other engine's.</summary>
    public int Met => Volatile.Read(ref _met);

    /// <summary>Steps of this engine's batches that the store refused.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    public async ValueTask<IReadOnlyList<CommitResult>> CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default)
    {
        if (await Task.Run(() => barrier.SignalAndWait(TimeSpan.FromSeconds(1), cancellationToken), cancellationToken))
            Interlocked.Increment(ref _met);
        var results = await inner.CommitBatchAsync(commits, cancellationToken);
        Interlocked.Add(ref _rejected, results.Count(r => !r.Committed));
        return results;
    }

    public ValueTask<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken = default) => inner.GetAsync(instanceId, cancellationToken);

    public ValueTask<CommitResult> CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default) => inner.CommitAsync(commit, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, InstanceRecord>> GetManyAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default) =>
        inner.GetManyAsync(instanceIds, cancellationToken);

    public ValueTask<IReadOnlyList<InstanceRecord>> ListAsync(InstanceQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

    public ValueTask<int> CountActiveAsync(string definitionId, CancellationToken cancellationToken = default) => inner.CountActiveAsync(definitionId, cancellationToken);

    public ValueTask<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default) =>
        inner.GetJournalAsync(instanceId, cancellationToken);

    public ValueTask<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken = default) =>
        inner.GetIncidentsAsync(instanceId, cancellationToken);
}
