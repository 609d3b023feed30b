using System.Threading.RateLimiting;

namespace CaseFlow.Server.Security;

/// <summary>
/// Budgets for failed authentication, one token bucket per partition (a source address, a user name):
/// failures spend tokens, which come back at a steady rate. While a partition's bucket is empty every
/// attempt from it is refused before the credential is even looked at, so a guesser cannot tell a right
/// guess from a wrong one until the budget is back. A missing or wrong key costs a token; a right one
/// costs nothing, so a working system is never slowed by its own traffic.
/// </summary>
public sealed class FailureThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public FailureThrottle(int burst, int perMinute)
    {
        Burst = burst;
        PerMinute = perMinute;
        var period = TimeSpan.FromMinutes(1) / perMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetTokenBucketLimiter(partition,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public int Burst { get; }
    public int PerMinute { get; }

    /// <summary>True when the partition has spent its budget; the caller refuses without checking the credential.</summary>
    public bool IsExhausted(string partition)
    {
        // Asking for zero permits reports the bucket's state without taking from it.
        using var probe = _limiter.AttemptAcquire(partition, 0);
        return !probe.IsAcquired;
    }

    public void RecordFailure(string partition)
    {
        using var _ = _limiter.AttemptAcquire(partition, 1);
    }

    public void Dispose() => _limiter.Dispose();
}
