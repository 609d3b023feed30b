using System.Collections.Concurrent;
using System.Net;
using CaseFlow.Server.Security;

namespace CaseFlow.Server.Designer;

/// <summary>
/// Slows password guessing at the designer's sign-in: a budget of failures per source address
/// (<see cref="FailureThrottle"/>), and a lockout of the user name after a few wrong passwords in a row.
/// While locked, even the right password is refused, so the lockout cannot be used to confirm a guess.
/// Lockouts are kept per replica: a guesser spread over replicas gets each one's allowance, no more.
/// </summary>
public sealed class SignInGuard(int maxFailures, TimeSpan lockout, TimeProvider time) : IDisposable
{
    private const int MaxTrackedNames = 10_000;
    private readonly FailureThrottle _addresses = new(burst: 10, perMinute: 5);
    private readonly ConcurrentDictionary<string, Failures> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Why this attempt is refused before the password is checked, or null to check it.</summary>
    public string? Refusal(string user, IPAddress? from)
    {
        if (_addresses.IsExhausted(from?.ToString() ?? "unknown"))
            return "Too many failed sign-ins from this address. Wait a few minutes and try again.";
        if (_names.TryGetValue(user, out var f) && f.LockedUntil is { } until && until > time.GetUtcNow())
            return $"This account is locked after {maxFailures} wrong passwords; try again after {Core.Cases.IndiaTime.ToIst(until):HH:mm} IST.";
        return null;
    }

    public void Failed(string user, IPAddress? from)
    {
        _addresses.RecordFailure(from?.ToString() ?? "unknown");
        if (_names.Count >= MaxTrackedNames)
            foreach (var stale in _names.Where(n => n.Value.LockedUntil is null || n.Value.LockedUntil < time.GetUtcNow()).Select(n => n.Key).ToList())
                _names.TryRemove(stale, out _);
        _names.AddOrUpdate(user, _ => Next(new Failures(0, null)), (_, f) => Next(f));
    }

    public void Succeeded(string user) => _names.TryRemove(user, out _);

    private Failures Next(Failures f)
    {
        // A lockout that ran out starts a fresh count.
        var count = f.LockedUntil is { } until && until <= time.GetUtcNow() ? 1 : f.Count + 1;
        return count >= maxFailures ? new Failures(count, time.GetUtcNow() + lockout) : new Failures(count, null);
    }

    public void Dispose() => _addresses.Dispose();

    private sealed record Failures(int Count, DateTimeOffset? LockedUntil);
}
