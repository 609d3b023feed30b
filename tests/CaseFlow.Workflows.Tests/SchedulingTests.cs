using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

public class SchedulingTests
{
    [Test]
    public async Task A_start_at_trigger_starts_one_instance_at_its_instant()
    {
        var h = new Harness();
        var at = Harness.Epoch.AddDays(40);
        var startAt = Activity("At", "Elsa.StartAt", ("dateTime", "DateTimeOffset", "Literal", at.ToString("O")));
        startAt["customProperties"]!["canStartWorkflow"] = true;
        var id = await h.PublishAsync(Definition("once", [startAt, WriteLine("W", "the day has come")], [Connect("At", "W")]));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(40) - TimeSpan.FromSeconds(1)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(1)), Is.EqualTo(1));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(400)), Is.EqualTo(0), "one shot");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "the day has come" }));
        Assert.That(await h.Store.ListTriggersAsync(id), Is.Empty);
    }

    [Test]
    public async Task A_cron_inside_a_flow_waits_for_its_next_occurrence()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("weekly",
            [Start(), Activity("Monday9", "Elsa.Cron", ("cronExpression", "String", "Literal", "0 0 9 * * MON")), WriteLine("Review", "weekly review")],
            [Connect("Start1", "Monday9"), Connect("Monday9", "Review")]));
        // Epoch is Monday 09:30 UTC, so the next occurrence is a week minus 30 minutes away.
        var instance = await h.Engine.StartAsync(id);
        Assert.That((await h.Store.ListForInstanceAsync(instance.Id)).Single().DueAt, Is.EqualTo(Harness.Epoch.AddDays(7).AddMinutes(-30)));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(6)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(1)), Is.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "weekly review" }));
    }

    [Test]
    public async Task A_timer_inside_a_flow_waits_one_interval()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("tick",
            [Start(), Activity("T", "Elsa.Timer", ("interval", "TimeSpan", "Literal", "00:10:00")), WriteLine("W", "tick")],
            [Connect("Start1", "T"), Connect("T", "W")]));
        await h.Engine.StartAsync(id);
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(9)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(1)), Is.EqualTo(1));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "tick" }));
    }

    [Test]
    public async Task A_fault_activity_faults_the_instance_with_its_message()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("fault",
            [Start(), Activity("F", "Elsa.Fault", ("message", "String", "Literal", "no such department"))],
            [Connect("Start1", "F")]));
        var instance = await h.Engine.StartAsync(id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Faulted));
        Assert.That(instance.FaultMessage, Is.EqualTo("no such department"));
        Assert.That((await h.Store.GetIncidentsAsync(instance.Id)).Single().ExceptionType, Does.EndWith(nameof(WorkflowFaultException)));
    }

    [Test]
    public async Task Finish_ends_the_workflow_while_other_branches_wait()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("finish",
            [Start(), Event("Wait", "never"), Activity("Done", "Elsa.Finish")],
            [Connect("Start1", "Wait"), Connect("Start1", "Done")]));
        var instance = await h.Engine.StartAsync(id, "f");
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(await h.Store.FindEventBookmarksAsync("never", "f"), Is.Empty);
    }

    [Test]
    public async Task An_event_stored_while_an_instance_was_faulted_reaches_its_wait_after_retry()
    {
        var flaky = new FlakySwitch();
        var h = new Harness(r => r.Register<Flaky>(), s => s.Add(flaky));
        var id = await h.PublishAsync(Definition("faulted-wait",
            [Start(), Event("Wait", "resolved"), Activity("Notify", "CaseFlow.Flaky"), WriteLine("Got", "resolved"), WriteLine("Sent", "notified")],
            [Connect("Start1", "Wait"), Connect("Start1", "Notify"), Connect("Wait", "Got"), Connect("Notify", "Sent")]));
        var instance = await h.Engine.StartAsync(id, "k");
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Faulted));

        var delivery = await h.Engine.PublishEventAsync("resolved", "k");
        Assert.That(delivery.StoredAsPending, Is.True, "a faulted instance is not resumed; the event is kept");

        flaky.Broken = false;
        var retried = await h.Engine.RetryAsync(instance.Id);
        Assert.That(retried.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EquivalentTo(new[] { "notified", "resolved" }));
    }
}
