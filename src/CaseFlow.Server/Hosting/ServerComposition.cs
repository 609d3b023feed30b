using CaseFlow.Server.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using System.Diagnostics.Metrics;
using System.Net;
using CaseFlow.Core;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Calendars;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Designer;
using CaseFlow.Server.Circulars;
using CaseFlow.Server.Escalation;
using CaseFlow.Server.Persistence.Workflows;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Validation;
using CaseFlow.Server.Rpc;
using CaseFlow.Server.Open311;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Hosting;

public static class ServerComposition
{
    /// <summary>
    /// The host builder for the installed server. Its settings (appsettings.json) are read from the folder
    /// of the binary, not the working directory, so `cd ~ &amp;&amp; dotnet /opt/caseflow/CaseFlow.Server.dll` finds
    /// the same keys as `dotnet run`; relative paths in the settings (the data directory) still mean the
    /// working directory.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) => WebApplication.CreateBuilder(HostOptions(AppContext.BaseDirectory, args));

    /// <summary>
    /// How every CaseFlow host is built (the server, and the tests and benchmarks that host it). Settings are read once, at
    /// start: nothing in CaseFlow follows a changed appsettings.json, and reloading it would watch the content root and every
    /// folder under it, so that a data directory beneath it (a server run from its own folder) turned each commit's writes
    /// into file-system events for a watcher thread to examine (in the benchmark, whose data directory is its content root,
    /// a stat call and an event per write).
    /// </summary>
    public static WebApplicationOptions HostOptions(string contentRoot, string[]? args = null, string? environment = null) => new()
    {
        Args = ["--hostBuilder:reloadConfigOnChange=false", .. args ?? []],
        ContentRootPath = contentRoot,
        EnvironmentName = environment,
    };

    /// <summary>Everything the CaseFlow host runs, registered explicitly and read top-down.</summary>
    public static WebApplicationBuilder AddCaseFlowServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CaseFlowOptions>().Bind(builder.Configuration.GetSection(CaseFlowOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CaseFlowOptions>, CaseFlowOptionsValidator>();
        services.AddSingleton<IValidateOptions<CaseFlowOptions>, CircularOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        // Two ports: cleartext HTTP/2 for gRPC (a mixed h1/h2 cleartext port would fall back to HTTP/1.1),
        // HTTP/1.1 for the designer and plain health checks.
        var o = builder.Configuration.GetSection(CaseFlowOptions.Section).Get<CaseFlowOptions>() ?? new CaseFlowOptions();
        builder.WebHost.ConfigureKestrel(k =>
        {
            var address = IPAddress.TryParse(o.ListenAddress, out var ip) ? ip : IPAddress.Loopback;
            k.Listen(address, o.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
            k.Listen(address, o.HttpPort, l => l.Protocols = HttpProtocols.Http1);
            k.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
        });

        // Each room reads its own settings, bound here from the one CaseFlow section.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.ToPersistenceOptions());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Workflows);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Circulars);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Smtp);
        services.AddSingleton(sp => new ScorecardStore(sp.GetRequiredService<Persistence.CaseFlowDatabase>(),
            sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.ResolvedScorecardPath, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Watch);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Designer);
        services.AddSingleton(sp =>
        {
            var c = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Closure;
            return new ClosurePolicy(c.ForceCloseEnabled, c.SpecialCloseReviewShare, c.MaxComplaintsPerPhonePerDay);
        });
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value;
            return new ApiKeyAuthenticator(settings.ApiKeys, settings.Security);
        });

        AddTelemetry(services, o.Telemetry);
        services.AddCaseFlowPersistence();
        services.AddCaseFlowCore();
        services.AddCaseFlowEscalation();
        services.AddCaseFlowCirculars();
        services.AddCaseFlowRpc();
        services.AddCaseFlowDesigner();
        services.AddSingleton<HealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        // The same checks answer grpc.health.v1 and /healthz; each reads the monitor's last probe (probing
        // again when that is stale), so a flood of health calls costs the database nothing.
        services.AddGrpcHealthChecks()
            .AddCheck<HealthMonitor.DatabaseCheck>("database")
            .AddCheck<HealthMonitor.WriterCheck>("writer")
            .AddCheck<HealthMonitor.TimersCheck>("timers");
        return builder;
    }

    /// <summary>
    /// OpenTelemetry: CaseFlow's meters and spans (<see cref="CaseFlowMetrics"/>), ASP.NET Core's request spans
    /// and metrics (every gRPC call and designer request), the Prometheus scrape endpoint, and OTLP when an
    /// endpoint is configured. Chosen over hand-written counters because both Prometheus and OTLP collectors
    /// then read the same instruments, and the gRPC server spans come for free.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, TelemetryOptions options)
    {
        services.AddSingleton<CaseFlowMetrics>();
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("caseflow"))
            .WithMetrics(m =>
            {
                m.AddMeter(CaseFlowMetrics.Name).AddAspNetCoreInstrumentation();
                // .NET's meter listeners are process-wide: without this, a second host in the process (tests, a
                // blue/green swap in one process) would report its counts here too. Only this host's meters count.
                ((IDeferredMeterProviderBuilder)m).Configure((sp, b) =>
                {
                    var own = sp.GetRequiredService<IMeterFactory>();
                    b.AddView(i => i.Meter.Scope is { } scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
                });
                if (options.Prometheus) m.AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint)) m.AddOtlpExporter(e => e.Endpoint = new Uri(options.OtlpEndpoint));
            });
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
            otel.WithTracing(t => t.AddSource(CaseFlowMetrics.Name).AddAspNetCoreInstrumentation()
                .AddOtlpExporter(e => e.Endpoint = new Uri(options.OtlpEndpoint)));
    }

    /// <summary>Migrates and loads state before the first request, then maps the endpoints.</summary>
    public static async Task<WebApplication> UseCaseFlowAsync(this WebApplication app)
    {
        await app.Services.StartCaseFlowPersistenceAsync(CancellationToken.None);
        await app.Services.StartCaseFlowEscalationAsync();

        app.MapCaseFlowRpc();
        app.MapGrpcHealthChecksService();
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = HealthMonitor.WriteJsonAsync });
        app.MapCaseFlowDesigner();
        app.MapOpen311();
        var http = app.Services.GetRequiredService<IOptions<CaseFlowOptions>>().Value;
        if (http.Telemetry.Prometheus) app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{http.HttpPort}");
        return app;
    }
}
