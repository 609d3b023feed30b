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

    /// <summary>
    /// The business clock can be set, not only run. Set forward after a round read it and before the host waits, the wake-up
    /// has already passed: the wait must end at once, not count the round's sleep again from the new time (which left the
    /// pump asleep until its real-time poll). Set forward while waiting, the wait ends when the wake-up instant is reached.
    /// </summary>
    [Test]
    public async Task A_clock_set_forward_past_the_wake_up_ends_the_wait_whenever_it_happens()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("jumped",
            [Start(), Delay("Wait", "00:00:05"), WriteLine("W", "jumped"), Delay("Again", "00:00:03"), WriteLine("W2", "again")],
            [Connect("Start1", "Wait"), Connect("Wait", "W"), Connect("W", "Again"), Connect("Again", "W2")]));
        await h.Engine.StartAsync(id);
        var pump = new WorkflowTimerPump(h.Engine, h.Store, h.Time) { PollInterval = TimeSpan.FromSeconds(30) };
        var hour = TimeSpan.FromHours(1);

        var round = await pump.RunRoundAsync();
        Assert.That(round, Is.EqualTo(new TimerRound(TimeSpan.FromSeconds(5), Harness.Epoch.AddSeconds(5))));
        h.Time.Advance(TimeSpan.FromSeconds(10));
        var afterJump = pump.WaitAsync(round, hour, CancellationToken.None);
        Assert.That(afterJump.IsCompleted, Is.True, "the wake-up passed before the wait began");

        round = await pump.RunRoundAsync();
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "jumped" }));
        Assert.That(round.WakeAt, Is.EqualTo(Harness.Epoch.AddSeconds(13)));
        var waiting = pump.WaitAsync(round, hour, CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False, "3 s to go on the business clock");
        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(waiting.IsCompleted, Is.False, "1 s to go");
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That((await pump.RunRoundAsync()).Sleep, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "jumped", "again" }));
    }
}
