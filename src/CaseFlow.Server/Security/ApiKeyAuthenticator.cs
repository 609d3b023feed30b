using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Access;
using CaseFlow.Server.Hosting;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Security;

/// <summary>
/// Maps an API key to its calling system. Only SHA-256 hashes are configured, so a leaked settings file
/// does not leak keys; lookups compare hashes, which also makes them constant-time in the key.
/// </summary>
public sealed class ApiKeyAuthenticator
{
    public const string Header = "x-api-key";

    private readonly Dictionary<string, Caller> _callers;

    public ApiKeyAuthenticator(IOptions<CaseFlowOptions> options)
    {
        _callers = options.Value.ApiKeys.ToDictionary(
            k => k.KeySha256.ToLowerInvariant(),
            k => new Caller(
                k.System,
                k.Permissions.Aggregate(Permissions.None, (all, p) => all | Enum.Parse<Permissions>(p)),
                k.Departments.Contains("*") ? null : k.Departments.ToHashSet(StringComparer.Ordinal)));
    }

    public Caller? Authenticate(string? key) =>
        string.IsNullOrEmpty(key) ? null : _callers.GetValueOrDefault(Hash(key));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
