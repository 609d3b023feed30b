using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace CaseFlow.Benchmarks;

/// <summary>The command line; see the comment at the top of Program.cs.</summary>
internal sealed record BenchOptions(string[] Scenarios, int Count, int Concurrency, string[] Sync, int? MaxBatch, int Warmup, string Out,
    bool Large, bool Profile, int? Cases = null, bool RandomKeys = false,
    // A server address (perhaps with a password): used, never written into the results file.
    [property: System.Text.Json.Serialization.JsonIgnore] string? Postgres = null)
{
    private static readonly string[] All = ["unary-empty", "create-case", "create-in-process", "sqlite-row", "sqlite-batch", "escalation-sweep", "workflowcore-peer"];
    private static readonly string[] Known = [.. All, "create-case-bare", "writer-variants", "ranking", "large"];

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchOptions Parse(string[] args)
    {
        string scenario = "all", sync = "full,normal", output = Path.Combine("benchmark-results", "results.json");
        int? count = null, maxBatch = null, warmup = null, cases = null;
        var concurrency = 32;
        bool large = false, profile = false, randomKeys = false;
        var postgres = Environment.GetEnvironmentVariable("CASEFLOW_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("CASEFLOW_TEST_POSTGRES");
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.TryParse(Value(), out var n) && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a positive number.");
            switch (args[i])
            {
                case "--scenario": scenario = Value(); break;
                case "--count": count = Number(); break;
                case "--cases": cases = Number(); break;
                case "--concurrency": concurrency = Number(); break;
                case "--sync": sync = Value(); break;
                case "--max-batch": maxBatch = Number(); break;
                case "--warmup": warmup = Number(); break;
                case "--out": output = Value(); break;
                case "--large": large = true; break;
                case "--profile": profile = true; break;
                case "--random-keys": randomKeys = true; break;
                case "--postgres": postgres = Value(); break;
                case "--no-postgres": postgres = null; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. See the comment at the top of Program.cs.");
            }
        }
        var scenarios = scenario == "all" ? All : scenario.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var s in scenarios.Where(s => !Known.Contains(s)))
            throw new ArgumentException($"Unknown scenario '{s}'; known: all, {string.Join(", ", Known)}.");
        var modes = sync.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(m => m.ToLowerInvariant() switch
            {
                "full" => "Full",
                "normal" => "Normal",
                _ => throw new ArgumentException($"--sync takes full and/or normal, not '{m}'."),
            }).Distinct().ToArray();
        var n = count ?? (large ? 200_000 : 20_000);
        return new BenchOptions(scenarios, n, concurrency, modes, maxBatch, warmup ?? Math.Clamp(n / 10, 1, 2_000), output, large, profile, cases, randomKeys, string.IsNullOrWhiteSpace(postgres) ? null : postgres);
    }
}

/// <summary>Printed first, so a number is never quoted without the machine (and its load) it came from.</summary>
internal static class MachineFacts
{
    public static List<KeyValuePair<string, string>> Collect()
    {
        using var sqlite = new SqliteConnection("Data Source=:memory:");
        sqlite.Open();
        using var cmd = sqlite.CreateCommand();
        cmd.CommandText = "SELECT sqlite_version();";
        return
        [
            new("cores", Environment.ProcessorCount.ToString()),
            new("cpu", CpuModel()),
            new("os", RuntimeInformation.OSDescription),
            new("arch", RuntimeInformation.ProcessArchitecture.ToString()),
            new(".net", RuntimeInformation.FrameworkDescription),
            new("gc", GCSettings.IsServerGC ? "server" : "workstation"),
            new("sqlite", (string)cmd.ExecuteScalar()!),
            new("temp", Path.GetTempPath()),
            new("loadavg", LoadAverage()),
#if DEBUG
            new("build", "DEBUG — numbers not representative; use -c Release"),
#else
            new("build", "Release"),
#endif
            new("started", DateTimeOffset.UtcNow.ToString("u")),
        ];
    }

    /// <summary>The 1/5/15-minute load: a shared machine's other work shows up in every number.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException) { return "unknown"; }
    }
}
