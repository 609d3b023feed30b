using System.Diagnostics;

namespace CaseFlow.Benchmarks;

/// <summary>One row of the results table.</summary>
public sealed record Measurement(
    string Scenario,
    string Synchronous,
    int Count,
    int Concurrency,
    double OpsPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double ElapsedSeconds,
    int Errors,
    string? Note)
{
    /// <summary>OpsPerSecond divided by the empty-unary rate at the same concurrency; filled in at the end.</summary>
    public double? RatioToEmptyUnary { get; set; }

    /// <summary>With --profile: where the single writer's time went during this run.</summary>
    public string? WriterProfile { get; set; }
}

/// <summary>
/// Drives an operation a fixed number of times from N concurrent callers. Every call's latency is kept
/// (not sampled) so p99 and max are exact; a shared counter hands out the work so fast callers are never
/// idle while a slow one finishes its share.
/// </summary>
public static class Load
{
    /// <summary>
    /// At least <paramref name="calls"/> calls and at least two seconds: tiered JIT promotes hot methods on a
    /// background thread after a delay, so a count-only warm-up measures tier-0 code on a fast machine.
    /// </summary>
    public static async Task WarmUpAsync(int calls, int concurrency, Func<int, Task> op)
    {
        var started = Stopwatch.GetTimestamp();
        var offset = 0;
        do
        {
            var from = offset;
            await RunAsync("warmup", "", calls, concurrency, i => op(from + i));
            offset += calls;
        } while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2) && offset < calls * 20);
    }

    public static async Task<Measurement> RunAsync(string scenario, string synchronous, int count, int concurrency,
        Func<int, Task> op, string? note = null, int opsPerCall = 1)
    {
        var ticks = new long[count];
        var next = -1;
        var errors = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    try { await op(i); }
                    catch (Exception ex)
                    {
                        // A benchmark that silently swallows failures reports fiction; count them and show one.
                        if (Interlocked.Increment(ref errors) == 1) firstError = ex.GetType().Name + ": " + ex.Message;
                    }
                    ticks[i] = Stopwatch.GetTimestamp() - t0;
                }
            });
        }
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Array.Sort(ticks);
        var msPerTick = 1000.0 / Stopwatch.Frequency;
        double At(double q) => ticks[(int)Math.Round(q * (count - 1))] * msPerTick;
        if (firstError is not null) note = $"{note}{(note is null ? "" : "; ")}first error: {firstError}";
        return new Measurement(scenario, synchronous, count * opsPerCall, concurrency, count * opsPerCall / elapsed,
            At(0.50), At(0.99), ticks[^1] * msPerTick, elapsed, errors, note);
    }
}
