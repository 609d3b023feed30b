using System.Net;
using CaseFlow.Core;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Server.Rpc;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Hosting;

public static class ServerComposition
{
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

        services.AddSingleton<CaseFlowDatabase>();
        services.AddSingleton<CaseWriter>();
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
        services.AddCaseFlowCore();

        services.AddSingleton<CaseEventFeed>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<CaseFlowInterceptor>();
        services.AddGrpc(g =>
        {
            g.Interceptors.Add<CaseFlowInterceptor>();
            g.MaxReceiveMessageSize = 4 * 1024 * 1024;
            g.MaxSendMessageSize = 16 * 1024 * 1024;
            g.EnableDetailedErrors = false;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck("database", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        return builder;
    }

    /// <summary>Migrates and loads state before the first request, then maps the endpoints.</summary>
    public static async Task<WebApplication> UseCaseFlowAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<CaseFlowDatabase>().MigrateAsync(CancellationToken.None);
        await app.Services.GetRequiredService<DirectoryStore>().LoadAsync(CancellationToken.None);

        app.MapGrpcService<CaseGrpcService>();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
