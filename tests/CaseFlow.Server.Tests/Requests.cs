using CaseFlow.Api.V1;
using Google.Rpc;
using Grpc.Core;

namespace CaseFlow.Server.Tests;

/// <summary>Valid requests to vary from, and a reader for google.rpc error details.</summary>
internal static class Requests
{
    public static CreateCaseRequest NewCase(string? requestId = null, string category = "power-supply", string district = "dehradun",
        string description = "Power has been out in our mohalla since Monday evening.") => new()
    {
        RequestId = requestId ?? Guid.NewGuid().ToString(),
        Complainant = new Complainant
        {
            Name = "Sunita Rawat",
            Phone = "98970 12345",
            Email = "sunita.rawat@example.com",
            Address = "12 Rajpur Road, Dehradun",
            District = district,
            PreferredLanguage = "hi",
        },
        Channel = Channel.Portal,
        Category = category,
        Description = description,
    };

    public static IReadOnlyDictionary<string, string> Violations(RpcException e)
    {
        var bad = e.GetRpcStatus()?.GetDetail<BadRequest>();
        return bad?.FieldViolations.ToDictionary(v => v.Field, v => v.Description) ?? new Dictionary<string, string>();
    }

    public static string? Reason(RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
}
