using System.Net;
using System.Net.Sockets;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The real server: Kestrel on loopback ports, a SQLite file in a temp folder (or a fresh PostgreSQL database),
/// the shipped seed data. Tests talk to it through a real GrpcChannel over HTTP/2. Restart() keeps the data
/// directory and the database. Hosts given one <see cref="TestDatabase"/> are replicas of one deployment.
/// </summary>
public sealed class CaseFlowHost : IAsyncDisposable
{
    public const string PortalKey = "test-portal-key";
    public const string CallCentreKey = "test-callcentre-key";
    public const string EnergyKey = "test-energy-key";
    public const string WaterKey = "test-water-key";
    public const string AdminKey = "test-admin-key";
    public const string ReadOnlyKey = "test-readonly-key";
    public const string StateMisKey = "test-state-mis-key";

    private readonly Action<IServiceCollection>? _configureServices;
    private readonly bool _ownsDatabase;
    private WebApplication? _app;
    private IReadOnlyDictionary<string, string?>? _extraSettings;
    private GrpcChannel? _channel;

    private CaseFlowHost(string dataDirectory, Action<IServiceCollection>? configureServices, TestDatabase database, bool ownsDatabase)
    {
        DataDirectory = dataDirectory;
        _configureServices = configureServices;
        Database = database;
        _ownsDatabase = ownsDatabase;
    }

    public string DataDirectory { get; }
    public TestDatabase Database { get; }
    public int GrpcPort { get; private set; }
    public int HttpPort { get; private set; }
    public IServiceProvider Services => _app!.Services;
    public GrpcChannel Channel => _channel!;

    /// <param name="provider">The database to create for this host (and drop with it) when none is given.</param>
    /// <param name="database">A database another host or the test owns: this host is one more replica on it.</param>
    public static async Task<CaseFlowHost> StartAsync(Action<IServiceCollection>? configureServices = null, string? dataDirectory = null,
        IReadOnlyDictionary<string, string?>? settings = null, DatabaseProvider provider = DatabaseProvider.Sqlite, TestDatabase? database = null)
    {
        var host = new CaseFlowHost(dataDirectory ?? Directory.CreateTempSubdirectory("caseflow-test-").FullName, configureServices,
            database ?? TestDatabase.Create(provider), ownsDatabase: database is null) { _extraSettings = settings };
        try
        {
            await host.StartCoreAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public static IReadOnlyDictionary<string, string?> Settings(string dataDirectory, int grpcPort, int httpPort)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CaseFlow:DataDirectory"] = dataDirectory,
            ["CaseFlow:GrpcPort"] = grpcPort.ToString(),
            ["CaseFlow:HttpPort"] = httpPort.ToString(),
            ["CaseFlow:SeedDirectory"] = Path.Combine(AppContext.BaseDirectory, "seed"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var keys = new (string System, string Key, string Permissions, string Departments)[]
        {
            ("helpline-portal", PortalKey, "CreateCases,ReadCases,ReadPersonalData", "*"),
            ("call-centre", CallCentreKey, "CreateCases,ReadCases,RecordFeedback", "*"),
            ("energy-mis", EnergyKey, "ReadCases,ActOnCases", "energy"),
            ("water-mis", WaterKey, "ReadCases,ActOnCases,ReadPersonalData", "drinking-water"),
            ("itda-admin", AdminKey, "ReadCases,AdministerDirectory,AdministerWorkflows,Supervise", "*"),
            ("auditor", ReadOnlyKey, "ReadCases", "*"),
            ("state-mis", StateMisKey, "ReadCases,ActOnCases", "*"),
        };
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"CaseFlow:ApiKeys:{i}:System"] = keys[i].System;
            settings[$"CaseFlow:ApiKeys:{i}:KeySha256"] = ApiKeyAuthenticator.Hash(keys[i].Key);
            var perms = keys[i].Permissions.Split(',');
            for (var p = 0; p < perms.Length; p++) settings[$"CaseFlow:ApiKeys:{i}:Permissions:{p}"] = perms[p];
            var depts = keys[i].Departments.Split(',');
            for (var d = 0; d < depts.Length; d++) settings[$"CaseFlow:ApiKeys:{i}:Departments:{d}"] = depts[d];
        }
        return settings;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartCoreAsync();
    }

    public CallOptions As(string apiKey, CancellationToken ct = default) =>
        new(new Metadata { { ApiKeyAuthenticator.Header, apiKey } }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);

    private async Task StartCoreAsync()
    {
        (GrpcPort, HttpPort) = FreePorts();
        // The content root is the data folder, so no appsettings.json is picked up: the test states all settings.
        var builder = WebApplication.CreateBuilder(ServerComposition.HostOptions(DataDirectory, environment: "Test"));
        builder.Configuration.AddInMemoryCollection(Settings(DataDirectory, GrpcPort, HttpPort));
        builder.Configuration.AddInMemoryCollection(Database.Settings);
        if (_extraSettings is not null) builder.Configuration.AddInMemoryCollection(_extraSettings);
        builder.AddCaseFlowServer();
        _configureServices?.Invoke(builder.Services);
        _app = builder.Build();
        await _app.UseCaseFlowAsync();
        await _app.StartAsync();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
    }

    public async Task StopAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Two distinct free ports: both listeners stay open until both are chosen.</summary>
    public static (int, int) FreePorts()
    {
        using var a = new TcpListener(IPAddress.Loopback, 0);
        using var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
