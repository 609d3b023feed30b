using System.Text.Json.Nodes;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

/// <summary>The shape case escalation takes: a WaitAny race (resolved vs limit) inside a loop over levels.</summary>
public class EscalationLoopTests
{
    private static JsonObject Set(string id, string variableId, string name, string script)
    {
        var a = Activity(id, "Elsa.SetVariable", ("value", "Object", "JavaScript", script));
        a["variable"] = new JsonObject { ["id"] = variableId, ["name"] = name };
        return a;
    }

    private static JsonObject EscalationFlow() => Definition("escalation",
        [
            Start(),
            WriteLineJs("AtLevel", "'level ' + getLevel()"),
            Event("Resolved", "resolved"),
            Delay("Limit", "1.00:00:00"),
            Set("MarkResolved", "v2", "Outcome", "'resolved'"),
            Set("MarkBreached", "v2", "Outcome", "'breached'"),
            Join("Race", "WaitAny"),
            Activity("WasResolved", "Elsa.FlowDecision", ("condition", "Boolean", "JavaScript", "getOutcome() === 'resolved'")),
            WriteLine("Closed", "closed"),
            End("End1"),
            Set("Escalate", "v1", "Level", "getLevel() + 1"),
            Activity("PastTop", "Elsa.FlowDecision", ("condition", "Boolean", "JavaScript", "getLevel() > 4")),
            WriteLine("Flag", "flag for the Chief Secretary"),
            End("End2"),
        ],
        [
            Connect("Start1", "AtLevel"),
            Connect("AtLevel", "Resolved"),
            Connect("AtLevel", "Limit"),
            Connect("Resolved", "MarkResolved"),
            Connect("Limit", "MarkBreached"),
            Connect("MarkResolved", "Race"),
            Connect("MarkBreached", "Race"),
            Connect("Race", "WasResolved"),
            Connect("WasResolved", "Closed", "True"),
            Connect("Closed", "End1"),
            Connect("WasResolved", "Escalate", "False"),
            Connect("Escalate", "PastTop"),
            Connect("PastTop", "Flag", "True"),
            Connect("Flag", "End2"),
            Connect("PastTop", "AtLevel", "False"),
        ],
        [Variable("v1", "Level", "Int32", "1"), Variable("v2", "Outcome", "String", null)]);

    [Test]
    public async Task Each_breach_loops_to_the_next_level_with_one_live_wait_and_resolving_ends_it()
    {
        var h = new Harness();
        var id = await h.PublishAsync(EscalationFlow());
        var instance = await h.Engine.StartAsync(id, "case-1");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "level 1" }));

        for (var level = 2; level <= 3; level++)
        {
            Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(1)), Is.EqualTo(1));
            Assert.That(h.Sink.Lines.Last(), Is.EqualTo($"level {level}"));
            var waits = await h.Store.ListForInstanceAsync(instance.Id);
            Assert.That(waits.Select(w => w.Kind), Is.EquivalentTo(new[] { BookmarkKind.Event, BookmarkKind.Timer }), "the previous level's event wait was cancelled by the race");
        }

        var delivery = await h.Engine.PublishEventAsync("resolved", "case-1");
        Assert.That(delivery.ResumedInstanceIds, Is.EqualTo(new[] { instance.Id }));
        var after = (await h.Engine.GetAsync(instance.Id))!;
        Assert.That(after.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(after.Variables["Level"]!.GetValue<long>(), Is.EqualTo(3));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "level 1", "level 2", "level 3", "closed" }));
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty);
    }

    [Test]
    public async Task A_breach_at_the_top_level_flags_the_case_and_finishes()
    {
        var h = new Harness();
        var id = await h.PublishAsync(EscalationFlow());
        var instance = await h.Engine.StartAsync(id, "case-2");
        for (var day = 1; day <= 4; day++)
            Assert.That(await h.AdvanceAsync(TimeSpan.FromDays(1)), Is.EqualTo(1), $"day {day}");

        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "level 1", "level 2", "level 3", "level 4", "flag for the Chief Secretary" }));
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(await h.Store.ListForInstanceAsync(instance.Id), Is.Empty);
        Assert.That((await h.Engine.PublishEventAsync("resolved", "case-2")).ResumedInstanceIds, Is.Empty);
    }
}
