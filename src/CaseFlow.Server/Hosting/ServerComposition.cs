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
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

    /// <summary>Everything the CaseFlow host runs, registered explicitly and read top-down.</summary>
    public static WebApplicationBuilder AddCaseFlowServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CaseFlowOptions>().Bind(builder.Configuration.GetSection(CaseFlowOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CaseFlowOptions>, CaseFlowOptionsValidator>();
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

        AddTelemetry(services, o.Telemetry);
        services.AddSingleton<CaseFlowDatabase>();
        services.AddSingleton(sp => new CaseWriter(sp.GetRequiredService<CaseFlowDatabase>(),
            sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Database.MaxWriteBatch, sp.GetRequiredService<ILogger<CaseWriter>>(),
            sp.GetRequiredService<CaseFlowMetrics>()));
        services.AddHostedService(sp => sp.GetRequiredService<CaseWriter>());
        services.AddSingleton<EfCaseStore>();
        services.AddSingleton<ICaseStore>(sp => sp.GetRequiredService<EfCaseStore>());
        services.AddSingleton<DirectoryStore>();
        services.AddSingleton<IDirectoryProvider>(sp => sp.GetRequiredService<DirectoryStore>());
        services.AddSingleton(sp =>
        {
            var c = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Closure;
            return new ClosurePolicy(c.ForceCloseEnabled, c.SpecialCloseReviewShare, c.MaxComplaintsPerPhonePerDay);
        });
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<ICalendarProvider>(sp => sp.GetRequiredService<CalendarStore>());
        services.AddCaseFlowCore();
        AddWorkflows(services);
        AddCirculars(services);

        services.AddSingleton<CaseEventFeed>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value;
            return new ApiKeyAuthenticator(o.ApiKeys, o.Security);
        });
        services.AddSingleton<CaseFlowInterceptor>();
        services.AddGrpc(g =>
        {
            g.Interceptors.Add<CaseFlowInterceptor>();
            g.MaxReceiveMessageSize = 4 * 1024 * 1024;
            g.MaxSendMessageSize = 16 * 1024 * 1024;
            g.EnableDetailedErrors = false;
        })
        // REST/JSON for systems that cannot speak gRPC: the same services, interceptor, keys and errors, routed
        // by the protos' google.api.http options. Errors are google.rpc.Status as JSON; its details are Any, which
        // JSON can only spell out for registered types (without this every error became a 500 with no body), so
        // google/rpc/error_details.proto (ErrorInfo, BadRequest and the rest) is registered.
        .AddJsonTranscoding(t => t.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorInfo.Descriptor.File));
        // The OpenAPI document of those routes, generated from the same protos (comments included).
        services.AddGrpcSwagger();
        services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc("v1", new Microsoft.OpenApi.Models.OpenApiInfo
            {
                Title = "CaseFlow REST API",
                Version = "v1",
                Description = "gRPC JSON transcoding of CaseService, DirectoryService and the read side of CircularService. " +
                              "Every call carries the calling system's API key in the x-api-key header.",
            });
            // Operation ids as the gRPC methods are named, so a client generated from this document reads like the gRPC one.
            c.CustomOperationIds(api => api.ActionDescriptor.EndpointMetadata.OfType<Grpc.AspNetCore.Server.GrpcMethodMetadata>()
                .Select(m => m.Method.Name).FirstOrDefault());
            var docs = Path.Combine(AppContext.BaseDirectory, "CaseFlow.Server.xml");
            if (File.Exists(docs)) c.IncludeGrpcXmlComments(docs, includeControllerXmlComments: true);
        });
        services.AddGrpcReflection();
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

    /// <summary>
    /// The workflow runtime over the database: definitions, instances, durable timers; the CaseFlow
    /// activities; the dispatcher that starts and informs each case's workflow; the timer service.
    /// </summary>
    private static void AddWorkflows(IServiceCollection services)
    {
        services.AddSingleton(_ => CoreComposition.CreateActivityRegistry());
        services.AddSingleton<IWorkflowEffectApplier, CaseEffectApplier>();
        services.AddSingleton(sp => new EfWorkflowStore(sp.GetRequiredService<CaseFlowDatabase>(), sp.GetRequiredService<CaseWriter>(),
            sp.GetRequiredService<IWorkflowEffectApplier>()));
        services.AddSingleton<IWorkflowInstanceStore>(sp => sp.GetRequiredService<EfWorkflowStore>());
        services.AddSingleton<IBookmarkStore>(sp => sp.GetRequiredService<EfWorkflowStore>());
        services.AddSingleton<IStimulusStore>(sp => sp.GetRequiredService<EfWorkflowStore>());
        services.AddSingleton<IWorkflowDefinitionStore, EfWorkflowDefinitionStore>();
        services.AddSingleton(sp =>
        {
            var w = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Workflows;
            return new WorkflowDefinitionService(sp.GetRequiredService<IWorkflowDefinitionStore>(), sp.GetRequiredService<IBookmarkStore>(),
                sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<TimeProvider>(), new ValidationLimits(w.MaxDuration, w.MinTimerInterval));
        });
        services.AddSingleton<CaseStepSource>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value;
            var w = o.Workflows;
            return new WorkflowEngine(sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<WorkflowDefinitionService>(),
                sp.GetRequiredService<IWorkflowInstanceStore>(), sp.GetRequiredService<IBookmarkStore>(), sp.GetRequiredService<IStimulusStore>(),
                sp.GetRequiredService<TimeProvider>(), sp, new WorkflowEngineOptions
                {
                    EngineId = o.ResolvedEngineId,
                    TimerLease = w.TimerLease,
                    StimulusLifetime = TimeSpan.FromDays(1),
                    MaxActivitiesPerStep = w.MaxActivitiesPerStep,
                    MaxStepDuration = w.MaxStepDuration,
                    TransientEvents = new HashSet<string>(StringComparer.Ordinal) { CaseWorkflowHook.ChangedEvent },
                }, sp.GetRequiredService<CaseStepSource>());
        });
        services.AddSingleton(sp => new WorkflowTimerPump(sp.GetRequiredService<WorkflowEngine>(), sp.GetRequiredService<IBookmarkStore>(),
            sp.GetRequiredService<TimeProvider>())
        {
            PollInterval = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Workflows.TimerPoll,
            BatchSize = sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Workflows.TimerBatchSize,
        });
        services.AddSingleton(sp => new CaseWorkflowHook(sp.GetRequiredService<WorkflowEngine>(), sp.GetRequiredService<IDirectoryProvider>(),
            sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Workflows.DefaultDefinition, sp.GetRequiredService<ILogger<CaseWorkflowHook>>()));
        services.AddSingleton(sp => new CaseWorkflowRepair(sp.GetRequiredService<CaseFlowDatabase>(), sp.GetRequiredService<CaseWriter>(),
            sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Workflows.RepairInterval, sp.GetRequiredService<ILogger<CaseWorkflowRepair>>()));
        services.AddHostedService(sp => sp.GetRequiredService<CaseWorkflowRepair>());
        services.AddHostedService<WorkflowTimerService>();
    }

    /// <summary>Rankings, recurring complaints and circulars: SQL aggregation, Scriban templates, Chromium PDFs, SMTP mail.</summary>
    private static void AddCirculars(IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<CaseFlowOptions>, CircularOptionsValidator>();
        services.AddSingleton<RankingQueries>();
        services.AddSingleton(sp => new TemplateStore(sp.GetRequiredService<CaseFlowDatabase>(),
            sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Circulars.ResolvedTemplatesDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CircularRenderer>();
        services.AddSingleton(sp => new PdfPrinter(sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Circulars.ChromiumPath,
            sp.GetRequiredService<ILogger<PdfPrinter>>()));
        services.AddSingleton(sp => new CircularMailer(sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.Smtp));
        services.AddSingleton<WeeklyReview>();
        services.AddSingleton<IWeeklyReview>(sp => sp.GetRequiredService<WeeklyReview>());
        // WeeklyReview hands work to the delivery service, which calls back into it: resolved lazily.
        services.AddSingleton<Func<CircularDeliveryService>>(sp => sp.GetRequiredService<CircularDeliveryService>);
        services.AddSingleton<CircularDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<CircularDeliveryService>());
    }

    /// <summary>Migrates and loads state before the first request, then maps the endpoints.</summary>
    public static async Task<WebApplication> UseCaseFlowAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<CaseFlowDatabase>().MigrateAsync(CancellationToken.None);
        await app.Services.GetRequiredService<DirectoryStore>().LoadAsync(CancellationToken.None);
        await app.Services.GetRequiredService<CalendarStore>().LoadAsync(CancellationToken.None);
        await SeedWorkflowsAsync(app);
        // The writer sits below the workflow layer; the layer plugs into it here rather than the writer knowing it.
        app.Services.GetRequiredService<CaseWriter>().UseHook(app.Services.GetRequiredService<CaseWorkflowHook>());
        // Claims a previous run of this server left behind are freed now rather than after their lease.
        await app.Services.GetRequiredService<WorkflowEngine>().ReleaseClaimsAsync();

        app.MapGrpcService<CaseGrpcService>();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcService<WorkflowGrpcService>();
        app.MapGrpcService<CircularGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = HealthMonitor.WriteJsonAsync });
        app.MapCaseFlowDesigner();
        app.MapOpen311();
        var http = app.Services.GetRequiredService<IOptions<CaseFlowOptions>>().Value;
        if (http.Telemetry.Prometheus) app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{http.HttpPort}");
        return app;
    }

    /// <summary>
    /// On first start the files in workflows/ become the published definitions; after that the database is
    /// the record and administrators' edits survive restarts. A file that does not validate is reported
    /// and skipped, never published.
    /// </summary>
    private static async Task SeedWorkflowsAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<CaseFlowOptions>>().Value;
        var definitions = app.Services.GetRequiredService<WorkflowDefinitionService>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CaseFlow.Workflows");
        if (Directory.Exists(options.Workflows.ResolvedDirectory))
        {
            foreach (var result in await definitions.SeedFromDirectoryAsync(options.Workflows.ResolvedDirectory))
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
