using System.Net;
using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Access;
using CaseFlow.Core.Errors;

namespace CaseFlow.Server.Security;

/// <summary>
/// Maps an API key to its calling system. Only SHA-256 hashes are configured, so a leaked settings file
/// does not leak keys; lookups compare hashes, which also makes them constant-time in the key. Missing
/// and unknown keys spend the source address's failure budget (<see cref="FailureThrottle"/>).
/// </summary>
public sealed class ApiKeyAuthenticator
{
    public const string Header = "x-api-key";

    private readonly Dictionary<string, Caller> _callers;
    private readonly FailureThrottle _failures;

    public ApiKeyAuthenticator(IEnumerable<ApiKeyOptions> keys, SecurityOptions security)
    {
        _callers = keys.ToDictionary(
            k => k.KeySha256.ToLowerInvariant(),
            k => new Caller(
                k.System,
                k.Permissions.Aggregate(Permissions.None, (all, p) => all | Enum.Parse<Permissions>(p)),
                k.Departments.Contains("*") ? null : k.Departments.ToHashSet(StringComparer.Ordinal)));
        _failures = new FailureThrottle(security.FailedAuthenticationBurst, security.FailedAuthenticationsPerMinute);
    }

    /// <summary>The calling system behind <paramref name="key"/>; a refusal (UNAUTHENTICATED, or
    /// RESOURCE_EXHAUSTED while the address is over its failure budget) otherwise.</summary>
    public Caller Authenticate(string? key, IPAddress? from)
    {
        var partition = from?.ToString() ?? "unknown";
        if (_failures.IsExhausted(partition))
            throw new CaseFlowException(ErrorKind.ResourceExhausted, "AUTHENTICATION_THROTTLED",
                $"Too many calls with a missing or unknown API key came from this address; at most {_failures.Burst} at once and {_failures.PerMinute} a minute are answered. Wait and retry with the right key.");
        if (!string.IsNullOrEmpty(key) && _callers.GetValueOrDefault(Hash(key)) is { } caller)
            return caller;
        _failures.RecordFailure(partition);
        throw string.IsNullOrEmpty(key)
            ? new CaseFlowException(ErrorKind.Unauthenticated, "API_KEY_MISSING", $"Send the calling system's API key in the '{Header}' metadata entry.")
            : new CaseFlowException(ErrorKind.Unauthenticated, "API_KEY_INVALID", "The API key is not known.");
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
