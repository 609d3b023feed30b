namespace CaseFlow.Server.Rpc;

public static class RpcComposition
{
    /// <summary>
    /// The gRPC services behind <see cref="CaseFlowInterceptor"/> (keys, errors), their REST/JSON transcoding and
    /// its OpenAPI document, and reflection. Needs <see cref="WatchOptions"/> and the security room's authenticator.
    /// </summary>
    public static IServiceCollection AddCaseFlowRpc(this IServiceCollection services)
    {
        services.AddSingleton<CaseEventFeed>();
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
        return services;
    }

    public static WebApplication MapCaseFlowRpc(this WebApplication app)
    {
        app.MapGrpcService<CaseGrpcService>();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcService<WorkflowGrpcService>();
        app.MapGrpcService<CircularGrpcService>();
        app.MapGrpcReflectionService();
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        return app;
    }
}
