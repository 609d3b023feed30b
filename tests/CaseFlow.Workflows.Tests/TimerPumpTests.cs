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
    public async Task A_round_fires_what_the_fake_clock_made_due_and_sleeps_until_the_next_due_time()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("looped",
            [Start(), Delay("Wait", "00:00:05"), WriteLine("W", "looped"), Delay("Again", "00:00:03"), WriteLine("W2", "again")],
            [Connect("Start1", "Wait"), Connect("Wait", "W"), Connect("W", "Again"), Connect("Again", "W2")]));
        await h.Engine.StartAsync(id);
        var pump = new WorkflowTimerPump(h.Engine, h.Store, h.Time) { PollInterval = TimeSpan.FromSeconds(30) };

        Assert.That(await pump.RunOnceAsync(), Is.EqualTo(TimeSpan.FromSeconds(5)), "nothing due: sleep until the first delay ends");
        Assert.That(pump.Fired, Is.Zero);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(await pump.RunOnceAsync(), Is.EqualTo(TimeSpan.FromSeconds(3)), "the next delay is due 3 s later");
        Assert.That(pump.Fired, Is.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "looped" }));

        h.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.That(await pump.RunOnceAsync(), Is.EqualTo(TimeSpan.FromSeconds(30)), "nothing left: sleep a whole poll");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "looped", "again" }));
    }
}
