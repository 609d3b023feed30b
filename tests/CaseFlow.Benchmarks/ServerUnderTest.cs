using System.Net;
using System.Net.Sockets;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CaseFlow.Benchmarks;

/// <summary>
/// The real CaseFlow server, in this process: Kestrel on free loopback ports (gRPC on its HTTP/2-only port),
/// a fresh SQLite file in a temp folder
/// (or the run's PostgreSQL database, see <see cref="BenchStore"/>), the shipped seed data, one API key. The same composition
/// (AddCaseFlowServer / UseCaseFlowAsync) as `dotnet run`, so what is measured is what ships.
/// </summary>
public sealed class ServerUnderTest : IAsyncDisposable
{
    public const string PortalKey = "bench-portal-key";

    private readonly WebApplication _app;

    private ServerUnderTest(WebApplication app, BenchStore store, string dataDirectory, int grpcPort)
    {
        _app = app;
        Store = store;
        DataDirectory = dataDirectory;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public BenchStore Store { get; }
    public string DataDirectory { get; }
    public string DatabaseFile => Path.Combine(DataDirectory, "caseflow.db");
    public GrpcChannel Channel { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Headers only, no deadline: every scenario sends the same options so they cost the same.</summary>
    public static CallOptions Options { get; } = new(new Metadata { { ApiKeyAuthenticator.Header, PortalKey } });

    public static async Task<ServerUnderTest> StartAsync(BenchStore store, int? maxWriteBatch)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("caseflow-bench-").FullName;
        var grpcPort = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["CaseFlow:DataDirectory"] = dataDirectory,
            ["CaseFlow:GrpcPort"] = grpcPort.ToString(),
            ["CaseFlow:HttpPort"] = FreePort().ToString(),
            ["CaseFlow:SeedDirectory"] = Path.Combine(AppContext.BaseDirectory, "seed"),
            ["CaseFlow:ApiKeys:0:System"] = "helpline-portal",
            ["CaseFlow:ApiKeys:0:KeySha256"] = ApiKeyAuthenticator.Hash(PortalKey),
            ["CaseFlow:ApiKeys:0:Permissions:0"] = "CreateCases",
            ["CaseFlow:ApiKeys:0:Permissions:1"] = "ReadCases",
            ["CaseFlow:ApiKeys:0:Permissions:2"] = "ReadPersonalData",
            ["CaseFlow:ApiKeys:0:Departments:0"] = "*",
            // Per-request logging would measure the console, not CaseFlow.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        store.AddSettings(settings);
        if (maxWriteBatch is { } max) settings["CaseFlow:Database:MaxWriteBatch"] = max.ToString();
        // The content root is the temp folder, so no appsettings.json is picked up: every setting is stated here.
        var builder = WebApplication.CreateBuilder(ServerComposition.HostOptions(dataDirectory, environment: "Benchmark"));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCaseFlowServer();
        var app = builder.Build();
        await app.UseCaseFlowAsync();
        await app.StartAsync();
        return new ServerUnderTest(app, store, dataDirectory, grpcPort);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
