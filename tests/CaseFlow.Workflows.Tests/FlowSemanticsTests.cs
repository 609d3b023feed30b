using System.Text.Json.Nodes;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

public class FlowSemanticsTests
{
    /// <summary>The SLA race: wait for "resolved" or a 3-day limit, whichever comes first.</summary>
    private static JsonObject SlaRace(string joinMode = "WaitAny") => Definition("sla-race",
        [
            Start(),
            Event("Resolved", "resolved"),
            Delay("Limit", "3.00:00:00"),
            WriteLine("SaidResolved", "resolved in time"),
            WriteLine("SaidBreached", "breached"),
            Join("Join1", joinMode),
            WriteLine("After", "after join"),
        ],
        [
            Connect("Start1", "Resolved"),
            Connect("Start1", "Limit"),
            Connect("Resolved", "SaidResolved"),
            Connect("Limit", "SaidBreached"),
            Connect("SaidResolved", "Join1"),
            Connect("SaidBreached", "Join1"),
            Connect("Join1", "After"),
        ]);

    [Test]
    public async Task WaitAny_event_first_cancels_the_losing_branch_timer()
    {
        var h = new Harness();
        var id = await h.PublishAsync(SlaRace());
        var instance = await h.Engine.StartAsync(id, correlationId: "case-42");
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That((await h.Store.ListForInstanceAsync(instance.Id)).Select(b => b.Kind), Is.EquivalentTo(new[] { BookmarkKind.Event, BookmarkKind.Timer }));

        h.Time.Advance(TimeSpan.FromDays(1));
        var delivery = await h.Engine.PublishEventAsync("resolved", "case-42");
        Assert.That(delivery.ResumedInstanceIds, Is.EqualTo(new[] { instance.Id }));

        var after = (await h.Engine.GetAsync(instance.Id))!;
        Assert.That(after.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "resolved in time", "after join" }));
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty, "the timer row is gone");
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(5)), Is.EqualTo(0), "the cancelled limit never fires");
        var journal = await h.Store.GetJournalAsync(instance.Id);
        Assert.That(journal.Any(j => j.Kind == JournalKind.Cancelled && j.ActivityId == "Limit"), Is.True);
    }

    [Test]
    public async Task WaitAny_timer_first_cancels_the_event_wait()
    {
        var h = new Harness();
        var id = await h.PublishAsync(SlaRace());
        var instance = await h.Engine.StartAsync(id, correlationId: "case-43");

        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(3)), Is.EqualTo(1));
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "breached", "after join" }));
        Assert.That(await h.Store.FindEventBookmarksAsync("resolved", "case-43"), Is.Empty);

        var late = await h.Engine.PublishEventAsync("resolved", "case-43");
        Assert.That(late.ResumedInstanceIds, Is.Empty);
        Assert.That(h.Sink.Lines, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task WaitAll_join_waits_for_both_branches()
    {
        var h = new Harness();
        var id = await h.PublishAsync(SlaRace("WaitAll"));
        var instance = await h.Engine.StartAsync(id, correlationId: "c");
        await h.Engine.PublishEventAsync("resolved", "c");
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "resolved in time" }));
        await h.AdvanceAsync(TimeSpan.FromDays(3));
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "resolved in time", "breached", "after join" }));
    }

    [Test]
    public async Task WaitAllActive_join_runs_once_the_followed_branches_arrive()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("active",
            [
                Start(),
                Activity("Decide", "Elsa.FlowDecision", ("condition", "Boolean", "JavaScript", "true")),
                WriteLine("Yes", "yes"),
                WriteLine("No", "no"),
                Join("Join1", "WaitAllActive"),
                WriteLine("After", "after"),
            ],
            [
                Connect("Start1", "Decide"),
                Connect("Decide", "Yes", "True"),
                Connect("Decide", "No", "False"),
                Connect("Yes", "Join1"),
                Connect("No", "Join1"),
                Connect("Join1", "After"),
            ]));
        var instance = await h.Engine.StartAsync(id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "yes", "after" }));
    }

    [Test]
    public async Task Implicit_join_after_a_decision_runs_once_from_the_followed_branch()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("implicit",
            [
                Start(),
                Activity("Decide", "Elsa.FlowDecision", ("condition", "Boolean", "Literal", "false")),
                WriteLine("Yes", "yes"),
                WriteLine("No", "no"),
                WriteLine("After", "after"),
            ],
            [
                Connect("Start1", "Decide"),
                Connect("Decide", "Yes", "True"),
                Connect("Decide", "No", "False"),
                Connect("Yes", "After"),
                Connect("No", "After"),
            ]));
        var instance = await h.Engine.StartAsync(id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "no", "after" }));
    }

    [Test]
    public async Task End_completes_the_flowchart_and_cancels_everything_pending()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("end",
            [Start(), Event("Wait", "never"), Delay("Slow", "10.00:00:00"), Delay("Quick", "00:01:00"), End()],
            [Connect("Start1", "Wait"), Connect("Start1", "Slow"), Connect("Start1", "Quick"), Connect("Quick", "End1")]));
        var instance = await h.Engine.StartAsync(id, "c1");
        Assert.That(instance.PendingActivityIds, Is.EquivalentTo(new[] { "Wait", "Slow", "Quick" }));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(1)), Is.EqualTo(1));
        var after = (await h.Engine.GetAsync(instance.Id))!;
        Assert.That(after.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(after.PendingActivityIds, Is.Empty);
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty);
        var cancelled = (await h.Store.GetJournalAsync(instance.Id)).Where(j => j.Kind == JournalKind.Cancelled).Select(j => j.ActivityId);
        Assert.That(cancelled, Is.EquivalentTo(new[] { "Wait", "Slow" }));
    }

    [Test]
    public async Task An_event_published_before_its_bookmark_exists_is_delivered_when_it_appears()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("early",
            [Start(), Delay("First", "01:00:00"), Event("Wait", "approved"), WriteLineJs("Done", "'approved by ' + getInput('who')")],
            [Connect("Start1", "First"), Connect("First", "Wait"), Connect("Wait", "Done")]));
        var instance = await h.Engine.StartAsync(id, "case-7", new Dictionary<string, object?> { ["who"] = "HoD" });

        var early = await h.Engine.PublishEventAsync("approved", "case-7", new { by = "HoD" });
        Assert.That(early.StoredAsPending, Is.True);
        Assert.That(early.ResumedInstanceIds, Is.Empty);

        Assert.That(await h.AdvanceAsync(TimeSpan.FromHours(1)), Is.EqualTo(1));
        var after = (await h.Engine.GetAsync(instance.Id))!;
        Assert.That(after.Status, Is.EqualTo(WorkflowStatus.Finished), "the stored event resumed the new bookmark at once");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "approved by HoD" }));
        Assert.That(await h.Store.FindAsync("approved", "case-7"), Is.Empty, "the stimulus is consumed");
    }

    [Test]
    public async Task With_a_lifetime_an_unclaimed_event_expires_instead_of_waiting_forever()
    {
        var h = new Harness();
        var engine = new WorkflowEngine(h.Registry, h.Definitions, h.Store, h.Store, h.Store, h.Time, h.Services,
            new WorkflowEngineOptions { StimulusLifetime = TimeSpan.FromDays(7) });
        var id = await h.PublishAsync(Definition("expiring",
            [Start(), Delay("First", "8.00:00:00"), Event("Wait", "resolved"), WriteLine("Done", "resolved")],
            [Connect("Start1", "First"), Connect("First", "Wait"), Connect("Wait", "Done")]));
        var instance = await engine.StartAsync(id, "late");
        Assert.That((await engine.PublishEventAsync("resolved", "late")).StoredAsPending, Is.True);

        h.Time.Advance(TimeSpan.FromDays(8));
        Assert.That(await engine.FireDueTimersAsync(), Is.EqualTo(1));
        Assert.That((await engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Suspended), "the 8-day-old event had expired");
        Assert.That(await engine.PurgeExpiredStimuliAsync(), Is.EqualTo(1));
        Assert.That(h.Store.StimulusCount, Is.EqualTo(0));
        Assert.That(h.Sink.Lines, Is.Empty);
    }

    [Test]
    public async Task An_event_is_matched_by_correlation_id_and_others_are_untouched()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("corr",
            [Start(), Event("Wait", "resolved"), WriteLineJs("Done", "'resolved ' + getCorrelationId()")],
            [Connect("Start1", "Wait"), Connect("Wait", "Done")]));
        var a = await h.Engine.StartAsync(id, "A");
        var b = await h.Engine.StartAsync(id, "B");
        await h.Engine.PublishEventAsync("resolved", "B");
        Assert.That((await h.Engine.GetAsync(a.Id))!.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That((await h.Engine.GetAsync(b.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "resolved B" }));
    }

    [Test]
    public async Task Switch_follows_the_matching_case_else_default()
    {
        var h = new Harness();
        var flowSwitch = Activity("Switch1", "Elsa.FlowSwitch");
        flowSwitch["cases"] = new JsonArray(
            new JsonObject { ["label"] = "High", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "getInput('priority') === 'high'" } },
            new JsonObject { ["label"] = "Low", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "getInput('priority') === 'low'" } });
        var id = await h.PublishAsync(Definition("switch",
            [Start(), flowSwitch, WriteLine("H", "high"), WriteLine("L", "low"), WriteLine("D", "default")],
            [Connect("Start1", "Switch1"), Connect("Switch1", "H", "High"), Connect("Switch1", "L", "Low"), Connect("Switch1", "D", "Default")]));
        await h.Engine.StartAsync(id, input: new Dictionary<string, object?> { ["priority"] = "low" });
        await h.Engine.StartAsync(id, input: new Dictionary<string, object?> { ["priority"] = "urgent" });
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "low", "default" }));
    }

    [Test]
    public async Task A_declared_workflow_input_is_read_as_getInput_and_by_its_Elsa_accessor_and_a_variable_of_the_same_name_wins_in_its_own_workflow()
    {
        var h = new Harness();
        var withInput = Definition("greet", [Start(), WriteLineJs("Say", "getMessage() + ' / ' + getInput('message')")], [Connect("Start1", "Say")]);
        withInput["inputs"] = new JsonArray(new JsonObject { ["name"] = "message", ["type"] = "String" });
        var set = Activity("Set", "Elsa.SetVariable", ("value", "Object", "Literal", "from the variable"));
        set["variable"] = new JsonObject { ["id"] = "m1", ["name"] = "message", ["typeName"] = "String" };
        var withVariable = Definition("shadow", [Start(), set, WriteLineJs("Say", "getMessage()")], [Connect("Start1", "Set"), Connect("Set", "Say")],
            [new JsonObject { ["id"] = "m1", ["name"] = "message", ["typeName"] = "String" }]);
        var greet = await h.PublishAsync(withInput);
        var shadow = await h.PublishAsync(withVariable);

        // Interleaved on the same pooled engines: each workflow reads its own meaning of getMessage().
        await h.Engine.StartAsync(greet, input: new Dictionary<string, object?> { ["message"] = "hello" });
        await h.Engine.StartAsync(shadow, input: new Dictionary<string, object?> { ["message"] = "ignored" });
        await h.Engine.StartAsync(greet, input: new Dictionary<string, object?> { ["message"] = "again" });
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "hello / hello", "from the variable", "again / again" }));
    }

    [Test]
    public async Task JavaScript_sees_elsa_accessors_and_writes_variables_back()
    {
        var h = new Harness();
        var set = Activity("Set", "Elsa.SetVariable", ("value", "Object", "JavaScript", "variables.Count + 40"));
        set["variable"] = new JsonObject { ["id"] = "v1", ["name"] = "Count", ["typeName"] = "Int32" };
        var id = await h.PublishAsync(Definition("js",
            [
                Start(),
                set,
                WriteLineJs("Show", "setLabel('n=' + getCount()); variables.Count = variables.Count + 1; return getVariable('Label') + ' then ' + getCount();"),
                Activity("Name", "Elsa.SetName", ("value", "String", "JavaScript", "'case ' + getCorrelationId()")),
                Activity("Correlate", "Elsa.Correlate", ("correlationId", "String", "Literal", "new-id")),
                WriteLineJs("Last", "getCorrelationId()"),
            ],
            [Connect("Start1", "Set"), Connect("Set", "Show"), Connect("Show", "Name"), Connect("Name", "Correlate"), Connect("Correlate", "Last")],
            [Variable("v1", "Count", "Int32", "2"), Variable("v2", "Label", "String", null)]));
        var instance = await h.Engine.StartAsync(id, "c-9");
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "n=42 then 43", "new-id" }));
        Assert.That(instance.Variables["Count"]!.GetValue<long>(), Is.EqualTo(43));
        Assert.That(instance.Name, Is.EqualTo("case c-9"));
        Assert.That(instance.CorrelationId, Is.EqualTo("new-id"));
    }

    [Test]
    public async Task JavaScript_cannot_reach_the_clr_and_runaway_scripts_stop()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("evil",
            [Start(), WriteLineJs("Evil", "System.IO.File.ReadAllText('/etc/passwd')")],
            [Connect("Start1", "Evil")]));
        var evil = await h.Engine.StartAsync(id);
        Assert.That(evil.Status, Is.EqualTo(WorkflowStatus.Faulted));

        var loopId = await h.PublishAsync(Definition("loop",
            [Start(), WriteLineJs("Spin", "while (true) {}")],
            [Connect("Start1", "Spin")]));
        var spin = await h.Engine.StartAsync(loopId);
        Assert.That(spin.Status, Is.EqualTo(WorkflowStatus.Faulted));
        Assert.That(h.Sink.Lines, Is.Empty);
    }

    [Test]
    public async Task Several_connections_from_one_port_fork_in_parallel()
    {
        var h = new Harness();
        var id = await h.PublishAsync(Definition("fan",
            [Start(), WriteLine("A", "a"), WriteLine("B", "b"), WriteLine("C", "c"), WriteLine("Z", "z")],
            [Connect("Start1", "A"), Connect("Start1", "B"), Connect("Start1", "C"), Connect("A", "Z"), Connect("B", "Z"), Connect("C", "Z")]));
        var instance = await h.Engine.StartAsync(id);
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines.Take(3), Is.EquivalentTo(new[] { "a", "b", "c" }));
        Assert.That(h.Sink.Lines.Last(), Is.EqualTo("z"));
        Assert.That(h.Sink.Lines, Has.Count.EqualTo(4));
    }

    [Test]
    public async Task Publish_event_activity_resumes_another_instance_after_its_commit()
    {
        var h = new Harness();
        var waiter = await h.PublishAsync(Definition("waiter",
            [Start(), Event("Wait", "ping"), WriteLine("Got", "got ping")],
            [Connect("Start1", "Wait"), Connect("Wait", "Got")]));
        var sender = await h.PublishAsync(Definition("sender",
            [Start(), Activity("Send", "Elsa.PublishEvent", ("eventName", "String", "Literal", "ping"), ("correlationId", "String", "Literal", "w1"))],
            [Connect("Start1", "Send")]));
        var w = await h.Engine.StartAsync(waiter, "w1");
        await h.Engine.StartAsync(sender, "s1");
        Assert.That((await h.Engine.GetAsync(w.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "got ping" }));
    }

    [Test]
    public async Task Starting_twice_with_the_same_instance_id_returns_the_first_instance()
    {
        var h = new Harness();
        var id = await h.PublishAsync(SlaRace());
        var first = await h.Engine.StartAsync(id, "case-9", instanceId: "case-9-escalation");
        var again = await h.Engine.StartAsync(id, "case-9", instanceId: "case-9-escalation");
        Assert.That(again.Id, Is.EqualTo("case-9-escalation"));
        Assert.That(again.Version, Is.EqualTo(first.Version));
        Assert.That(h.Store.InstanceCount, Is.EqualTo(1));
        Assert.That(await h.Store.FindEventBookmarksAsync("resolved", "case-9"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Cancel_removes_waits_and_marks_the_instance_cancelled()
    {
        var h = new Harness();
        var id = await h.PublishAsync(SlaRace());
        var instance = await h.Engine.StartAsync(id, "x");
        var cancelled = await h.Engine.CancelAsync(instance.Id, "withdrawn");
        Assert.That(cancelled!.Status, Is.EqualTo(WorkflowStatus.Cancelled));
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty);
        Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(4)), Is.EqualTo(0));
        Assert.That((await h.Engine.PublishEventAsync("resolved", "x")).ResumedInstanceIds, Is.Empty);
    }
}
