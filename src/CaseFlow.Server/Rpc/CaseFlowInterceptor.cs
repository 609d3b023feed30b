using CaseFlow.Server.Persistence;
using CaseFlow.Core.Access;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Security;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Status = Google.Rpc.Status;

namespace CaseFlow.Server.Rpc;

/// <summary>
/// The one place where callers are authenticated and domain refusals become gRPC statuses with
/// google.rpc details (ErrorInfo, BadRequest), so every service stays a thin adapter.
/// </summary>
public sealed class CaseFlowInterceptor(ApiKeyAuthenticator authenticator, ILogger<CaseFlowInterceptor> log) : Interceptor
{
    public const string ErrorDomain = "caseflow.uk.gov.in";
    private const string CallerKey = "caseflow.caller";

    public static Caller CallerOf(ServerCallContext context) => (Caller)context.UserState[CallerKey];

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!Authenticate(context)) return await continuation(request, context);
        try { return await continuation(request, context); }
        catch (Exception ex) when (Translate(ex, context) is { } rpc) { throw rpc; }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!Authenticate(context)) { await continuation(request, responseStream, context); return; }
        try { await continuation(request, responseStream, context); }
        catch (Exception ex) when (Translate(ex, context) is { } rpc) { throw rpc; }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!Authenticate(context)) return await continuation(requestStream, context);
        try { return await continuation(requestStream, context); }
        catch (Exception ex) when (Translate(ex, context) is { } rpc) { throw rpc; }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!Authenticate(context)) { await continuation(requestStream, responseStream, context); return; }
        try { await continuation(requestStream, responseStream, context); }
        catch (Exception ex) when (Translate(ex, context) is { } rpc) { throw rpc; }
    }

    /// <summary>Returns false for the public infrastructure services (health, reflection) that need no key.</summary>
    private bool Authenticate(ServerCallContext context)
    {
        if (context.Method.StartsWith("/grpc.health.", StringComparison.Ordinal) ||
            context.Method.StartsWith("/grpc.reflection.", StringComparison.Ordinal))
            return false;
        var key = context.RequestHeaders.GetValue(ApiKeyAuthenticator.Header);
        try
        {
            context.UserState[CallerKey] = authenticator.Authenticate(key, context.GetHttpContext().Connection.RemoteIpAddress);
        }
        catch (CaseFlowException refused)
        {
            throw ToRpc(refused);
        }
        return true;
    }

    private RpcException? Translate(Exception ex, ServerCallContext context)
    {
        switch (ex)
        {
            case RpcException:
                return null;
            case CaseFlowException refused:
                return ToRpc(refused);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));
            case var _ when DatabaseFailures.IsUnavailable(ex):
                log.LogWarning("{Method} failed: the database is unavailable ({Reason})", context.Method, DatabaseFailures.Describe(ex));
                return ToRpc(DatabaseFailures.Refusal(DatabaseFailures.Describe(ex)));
            default:
                log.LogError(ex, "Unhandled error in {Method}", context.Method);
                return new Status { Code = (int)Code.Internal, Message = "An internal error occurred; it has been logged." }.ToRpcException();
        }
    }

    // An error travels in trailers, which clients cap (gRPC C-core at 8 KiB by default); past the cap the
    // caller sees RESOURCE_EXHAUSTED from its own transport instead of our INVALID_ARGUMENT. These bounds keep
    // the status, its message and its details well inside that, whatever a caller sent.
    private const int MaxMessage = 512;
    private const int MaxDescription = 200;
    private const int MaxViolations = 12;

    public static RpcException ToRpc(CaseFlowException e)
    {
        var status = new Status { Code = (int)ToCode(e.Kind), Message = Bound(e.Message, MaxMessage) };
        var info = new ErrorInfo { Reason = e.Reason, Domain = ErrorDomain };
        foreach (var (k, v) in e.Metadata) info.Metadata[k] = Bound(v, MaxDescription);
        status.Details.Add(Any.Pack(info));
        if (e.Violations.Count > 0)
        {
            var bad = new BadRequest();
            bad.FieldViolations.AddRange(e.Violations.Take(MaxViolations).Select(v => new BadRequest.Types.FieldViolation
            {
                Field = Bound(v.Field, MaxDescription), Description = Bound(v.Description, MaxDescription),
            }));
            if (e.Violations.Count > MaxViolations)
                bad.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "", Description = $"and {e.Violations.Count - MaxViolations} more invalid fields" });
            status.Details.Add(Any.Pack(bad));
        }
        return status.ToRpcException();
    }

    private static string Bound(string text, int max) =>
        text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)] + "…";

    private static Code ToCode(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => Code.InvalidArgument,
        ErrorKind.NotFound => Code.NotFound,
        ErrorKind.AlreadyExists => Code.AlreadyExists,
        ErrorKind.PermissionDenied => Code.PermissionDenied,
        ErrorKind.Unauthenticated => Code.Unauthenticated,
        ErrorKind.FailedPrecondition => Code.FailedPrecondition,
        ErrorKind.Aborted => Code.Aborted,
        ErrorKind.ResourceExhausted => Code.ResourceExhausted,
        ErrorKind.Unavailable => Code.Unavailable,
        _ => Code.Unknown,
    };
}
