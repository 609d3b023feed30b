using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

public class TimerPumpTests
{
    [Test]
    public async Task Each_round_fires_what_is_due_and_sleeps_until_the_next_timer_or_the_poll_interval()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("pumped",
            [Start(), Delay("Wait", "00:00:12"), WriteLine("W", "pumped")],
            [Connect("Start1", "Wait"), Connect("Wait", "W")]));
        var pump = new WorkflowTimerPump(h.Engine, h.Store, h.Time) { PollInterval = TimeSpan.FromSeconds(5) };

        Assert.That(await pump.RunOnceAsync(), Is.EqualTo(TimeSpan.FromSeconds(5)), "nothing waits: poll");
        await h.Engine.StartAsync(id);
        var sleeps = new List<TimeSpan>();
        while (pump.Fired == 0)
        {
            var sleep = await pump.RunOnceAsync();
            sleeps.Add(sleep);
            h.Time.Advance(sleep);
        }
        Assert.That(sleeps, Is.EqualTo(new[] { TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5) }));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "pumped" }));
        Assert.That(h.Time.GetUtcNow() - Harness.Epoch, Is.EqualTo(TimeSpan.FromSeconds(17)), "fired in the round at 12 s, then slept a poll");
    }

    [Test]
    public async Task The_loop_fires_when_the_fake_clock_moves_and_stops_on_cancellation()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("looped",
            [Start(), Delay("Wait", "00:00:05"), WriteLine("W", "looped")],
            [Connect("Start1", "Wait"), Connect("Wait", "W")]));
        await h.Engine.StartAsync(id);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var pump = new WorkflowTimerPump(h.Engine, h.Store, h.Time);
        using var cts = new CancellationTokenSource();

        // The first round runs synchronously up to the sleep, so the due timer has fired when RunAsync yields.
        var running = pump.RunAsync(cts.Token);
        Assert.That(pump.Fired, Is.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "looped" }));

        await cts.CancelAsync();
        Assert.That(async () => await running, Throws.Nothing);
        Assert.That(running.IsCompletedSuccessfully, Is.True);
    }
}
