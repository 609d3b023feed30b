using CaseFlow.Api.V1;
using Google.Rpc;
using Grpc.Core;

namespace CaseFlow.Server.Tests;

/// <summary>Valid requests to vary from, and a reader for google.rpc error details.</summary>
internal static class Requests
{
    /// <summary>A new complaint from a fresh mobile number (one number may register only 10 a day).</summary>
    public static CreateCaseRequest NewCase(string? requestId = null, string category = "power-supply", string district = "dehradun",
        string description = "Power has been out in our mohalla since Monday evening.", string? phone = null) => new()
    {
        RequestId = requestId ?? Guid.NewGuid().ToString(),
        Complainant = new Complainant
        {
            Name = "Sunita Rawat",
            Phone = phone ?? RandomMobile(),
            Email = "sunita.rawat@example.com",
            Address = "12 Rajpur Road, Dehradun",
            District = district,
            PreferredLanguage = "hi",
        },
        Channel = Channel.Portal,
        Category = category,
        Description = description,
    };

    public static string RandomMobile() => "9" + Random.Shared.NextInt64(100_000_000, 999_999_999).ToString();

    public static IReadOnlyDictionary<string, string> Violations(RpcException e)
    {
        var bad = e.GetRpcStatus()?.GetDetail<BadRequest>();
        return bad?.FieldViolations.ToDictionary(v => v.Field, v => v.Description) ?? new Dictionary<string, string>();
    }

    public static string? Reason(RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
}
