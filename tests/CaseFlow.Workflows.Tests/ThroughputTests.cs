using System.Diagnostics;
using System.Text;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

/// <summary>Measures rather than benchmarks (the Benchmarks project does that), but fails if state grows
/// past what a million stored cases can afford or a run is lost.</summary>
public class ThroughputTests
{
    [Test]
    public async Task Start_event_end_instances_run_and_their_state_stays_small()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("case-flow",
            [Start(), Event("Resolved", "resolved"), End()],
            [Connect("Start1", "Resolved"), Connect("Resolved", "End1")],
            [Variable("v1", "Level", "Int32", "1")]));

        var first = await h.Engine.StartAsync(id, "case-000000");
        var suspendedStateBytes = Encoding.UTF8.GetByteCount(first.StateJson);
        TestContext.Out.WriteLine($"suspended state: {suspendedStateBytes} bytes: {first.StateJson}");
        Assert.That(suspendedStateBytes, Is.LessThan(256));

        const int n = 5_000;
        var sw = Stopwatch.StartNew();
        for (var i = 1; i <= n; i++)
            await h.Engine.StartAsync(id, $"case-{i:000000}");
        var started = sw.Elapsed;
        sw.Restart();
        for (var i = 1; i <= n; i++)
            await h.Engine.PublishEventAsync("resolved", $"case-{i:000000}");
        var resumed = sw.Elapsed;

        TestContext.Out.WriteLine($"{n} starts in {started.TotalMilliseconds:F0} ms ({n / started.TotalSeconds:F0}/s); {n} resumes to completion in {resumed.TotalMilliseconds:F0} ms ({n / resumed.TotalSeconds:F0}/s)");
        var finished = await h.Store.ListAsync(new Persistence.InstanceQuery(id, WorkflowStatus.Finished, Take: n + 1));
        Assert.That(finished, Has.Count.EqualTo(n));
        Assert.That(Encoding.UTF8.GetByteCount(finished[0].State), Is.LessThan(suspendedStateBytes));
        Assert.That(h.Store.BookmarkCount, Is.EqualTo(1), "only case-000000 still waits");
    }
}
