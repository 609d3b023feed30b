using System.Diagnostics;
using System.Text.Json;

namespace CaseFlow.Server.Tests;

/// <summary>
/// Runs the designer's vitest suite (the JSON ⇄ graph round trip over workflows/ and the Elsa samples,
/// durations in words) so CI counts it. node_modules is there because building the server ran npm ci.
/// </summary>
[TestFixture]
public sealed class DesignerUnitTests
{
    [Test]
    public async Task The_designer_vitest_suite_passes()
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "src", "CaseFlow.Designer");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "vitest")))
            Assert.Ignore("node_modules is missing: build src/CaseFlow.Server (it runs npm ci) or run npm ci in src/CaseFlow.Designer.");
        var report = Path.Combine(Path.GetTempPath(), $"caseflow-vitest-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("npx", ["vitest", "run", "--reporter=json", $"--outputFile={report}"])
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(File.Exists(report), Is.True, $"vitest wrote no report: {await stderr}{await stdout}");

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        File.Delete(report);
        var root = json.RootElement;
        var failures = root.GetProperty("testResults").EnumerateArray()
            .SelectMany(f => f.GetProperty("assertionResults").EnumerateArray())
            .Where(a => a.GetProperty("status").GetString() == "failed")
            .Select(a => a.GetProperty("fullName").GetString())
            .ToList();
        TestContext.Out.WriteLine($"vitest: {root.GetProperty("numPassedTests").GetInt32()} passed, {root.GetProperty("numFailedTests").GetInt32()} failed");
        Assert.That(failures, Is.Empty, "failing vitest tests");
        Assert.That(root.GetProperty("numPassedTests").GetInt32(), Is.GreaterThan(40), "the round trip covers every workflow and sample");
        Assert.That(process.ExitCode, Is.Zero);
    }
}
