using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CaseFlow.Server.Rpc;

/// <summary>Request ids, page tokens and timestamps: the API conventions every adapter shares.</summary>
internal static class ProtoHelpers
{
    /// <summary>The idempotency key of a request: its id plus a hash of everything else in it.</summary>
    public static RequestKey? KeyOf<T>(T request, string requestId, string system, string method) where T : IMessage<T>
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        var copy = request.Clone();
        var field = copy.Descriptor.FindFieldByName("request_id");
        field.Accessor.SetValue(copy, "");
        var hash = Convert.ToHexStringLower(SHA256.HashData(copy.ToByteArray()));
        return new RequestKey(system, requestId, method, hash);
    }

    /// <summary>
    /// Page tokens carry the last id and a hash of the filters they were issued for; a token replayed
    /// with other filters would silently skip rows, so it is refused (AIP-158).
    /// </summary>
    public static string PageToken(long lastId, string filterHash) =>
        Base64Url($"v1:{lastId}:{filterHash}");

    public static long ParsePageToken(string token, string filterHash)
    {
        if (string.IsNullOrEmpty(token)) return 0;
        try
        {
            var parts = FromBase64Url(token).Split(':');
            if (parts is ["v1", var id, var hash] && long.TryParse(id, out var lastId))
            {
                if (hash != filterHash)
                    throw CaseFlowException.Invalid("page_token", "was issued for different filters; start again without a page token.");
                return lastId;
            }
        }
        catch (FormatException) { }
        throw CaseFlowException.Invalid("page_token", "is not a page token this server issued.");
    }

    public static string FilterHash<T>(T request, params string[] ignoredFields) where T : IMessage<T>
    {
        var copy = request.Clone();
        foreach (var name in ignoredFields)
            copy.Descriptor.FindFieldByName(name).Accessor.Clear(copy);
        return Convert.ToHexStringLower(SHA256.HashData(copy.ToByteArray()))[..16];
    }

    public static Timestamp? ToTimestamp(DateTimeOffset? t) => t is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    // The range google.protobuf.Timestamp itself allows: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    /// <summary>A caller's timestamp, or INVALID_ARGUMENT naming <paramref name="field"/> when it is out of
    /// range (Timestamp.ToDateTimeOffset would throw, and that would surface as INTERNAL).</summary>
    public static DateTimeOffset? FromTimestamp(Timestamp? t, string field)
    {
        if (t is null) return null;
        if (t.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || t.Nanos is < 0 or > 999_999_999)
            throw CaseFlowException.Invalid(field, $"is not a valid timestamp (seconds {t.Seconds}, nanos {t.Nanos}): it must lie between 0001-01-01 and 9999-12-31 UTC, with nanos from 0 to 999,999,999.");
        return t.ToDateTimeOffset();
    }

    /// <summary>Opaque tokens (page and resume tokens) as URL-safe base64 of a short text.</summary>
    public static string Base64Url(string s) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reverses <see cref="Base64Url"/>; throws FormatException for anything else.</summary>
    public static string FromBase64Url(string token) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/').PadRight((token.Length + 3) / 4 * 4, '=')));
}
