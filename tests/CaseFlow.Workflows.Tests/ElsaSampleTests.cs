using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Workflows.Tests;

/// <summary>Each sample in ../shared/elsa-samples behaves as EXPECTED.md says.</summary>
public class ElsaSampleTests
{
    [Test]
    public async Task Writeline_finishes_with_dummy_text()
    {
        var h = new Harness();
        var instance = await h.Engine.StartAsync(await h.PublishSampleAsync("writeline.json"));
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "Dummy Text" }));
    }

    [Test]
    public async Task Hello_world_without_a_version_field_finishes()
    {
        var h = new Harness();
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("hello-world.json")));
        Assert.That(definition.Version, Is.Null);
        var instance = await h.Engine.StartAsync(await h.PublishAsync(definition));
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "Hello World!" }));
    }

    [Test]
    public async Task Implicit_loop_runs_the_body_twice_then_finishes()
    {
        var h = new Harness();
        var instance = await h.Engine.StartAsync(await h.PublishSampleAsync("implicit-loop.json"));
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished), () => instance.FaultMessage ?? "");
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "Do something", "Retry", "Do something", "Done" }));
        Assert.That(instance.Variables["Counter"]!.GetValue<long>(), Is.EqualTo(2));
    }

    [Test]
    public async Task Join_all_waits_for_both_lines()
    {
        var h = new Harness();
        var instance = await h.Engine.StartAsync(await h.PublishSampleAsync("join-all-1.json"));
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Has.Count.EqualTo(4));
        Assert.That(h.Sink.Lines[0], Is.EqualTo("Start"));
        Assert.That(h.Sink.Lines.Skip(1).Take(2), Is.EquivalentTo(new[] { "Line 1", "Line 2" }));
        Assert.That(h.Sink.Lines[3], Is.EqualTo("End"));
    }

    [Test]
    public async Task Fork_writes_each_branch_once()
    {
        var h = new Harness();
        var instance = await h.Engine.StartAsync(await h.PublishSampleAsync("fork.json"));
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EquivalentTo(new[] { "One", "Two", "Three" }));
    }

    [Test]
    public async Task Workflow1_writes_each_line_once()
    {
        var h = new Harness();
        var instance = await h.Engine.StartAsync(await h.PublishSampleAsync("workflow1.json"));
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        Assert.That(h.Sink.Lines, Is.EquivalentTo(new[] { "WriteLine1", "WriteLine2", "WriteLine3" }));
        Assert.That(h.Sink.Lines[0], Is.EqualTo("WriteLine1"));
    }

    [Test]
    public async Task Workflow2_lattice_runs_each_line_once_after_all_its_predecessors()
    {
        var h = new Harness();
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("workflow2.json")));
        var instance = await h.Engine.StartAsync(await h.PublishAsync(definition));
        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Finished));
        AssertLatticeOrder(definition, h.Sink.Lines, Enumerable.Range(1, 9).Select(i => $"WriteLine{i}"));
    }

    [Test]
    public async Task Workflow3_suspends_on_its_delays_and_finishes_when_the_timers_fire()
    {
        var h = new Harness();
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("workflow3.json")));
        var instance = await h.Engine.StartAsync(await h.PublishAsync(definition));

        Assert.That(instance.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That(instance.PendingActivityIds, Is.EquivalentTo(new[] { "Delay1", "Delay2" }));
        Assert.That(h.Sink.Lines, Does.Not.Contain("WriteLine7").And.Not.Contain("WriteLine8").And.Not.Contain("WriteLine9"));

        Assert.That(await h.Engine.FireDueTimersAsync(), Is.EqualTo(0), "nothing is due before the clock moves");
        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(4)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(1)), Is.EqualTo(1), "the 5 s delay fires at 5 s");
        Assert.That((await h.Engine.GetAsync(instance.Id))!.Status, Is.EqualTo(WorkflowStatus.Suspended));
        Assert.That(h.Sink.Lines, Does.Contain("WriteLine7").And.Not.Contain("WriteLine9"));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(1), "the 10 s delay fires at 10 s");
        var finished = (await h.Engine.GetAsync(instance.Id))!;
        Assert.That(finished.Status, Is.EqualTo(WorkflowStatus.Finished));
        AssertLatticeOrder(definition, h.Sink.Lines, Enumerable.Range(1, 9).Select(i => $"WriteLine{i}"));
        Assert.That(h.Store.BookmarkCount, Is.EqualTo(0));
    }

    [Test]
    public async Task Timer_workflow_starts_a_new_instance_every_minute_once_published()
    {
        var h = new Harness();
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("timer-workflow.json")));
        await h.Definitions.SaveDraftAsync(definition);
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(3)), Is.EqualTo(0), "a draft does not trigger");

        await h.PublishAsync(definition);
        for (var minute = 1; minute <= 5; minute++)
        {
            Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(59)), Is.EqualTo(0));
            Assert.That(await h.AdvanceAsync(TimeSpan.FromSeconds(1)), Is.EqualTo(1), $"minute {minute}");
        }
        Assert.That(h.Sink.Lines, Is.EqualTo(Enumerable.Repeat("Hello from timer", 5)));
        Assert.That(h.Sink.InstanceIds, Has.Count.EqualTo(5), "one new instance per firing");
        var instances = await h.Store.ListAsync(new InstanceQuery(definition.DefinitionId));
        Assert.That(instances.Select(i => i.Status), Has.All.EqualTo(WorkflowStatus.Finished));

        await h.Definitions.RetractAsync(definition.DefinitionId);
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(3)), Is.EqualTo(0), "a retracted definition stops triggering");
    }

    [Test]
    public async Task Cron_every_hour_starts_an_instance_at_the_top_of_each_hour_utc()
    {
        var h = new Harness();
        h.Time.SetUtcNow(new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero));
        var id = await h.PublishSampleAsync("cron-every-hour.json");
        var trigger = (await h.Store.ListTriggersAsync(id)).Single();
        Assert.That(trigger.DueAt, Is.EqualTo(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero)));

        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(29)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(1)), Is.EqualTo(1), "10:00");
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(59)), Is.EqualTo(0));
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(1)), Is.EqualTo(1), "11:00");
        Assert.That((await h.Store.ListTriggersAsync(id)).Single().DueAt, Is.EqualTo(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero)));
        Assert.That(h.Sink.Lines, Is.EqualTo(new[] { "Hello every hour", "Hello every hour" }));
    }

    [Test]
    public async Task Bad_cron_loads_as_a_draft_but_publishing_is_refused_and_the_previous_version_stays_in_force()
    {
        var h = new Harness();
        var good = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("cron-every-hour.json")));
        var bad = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("bad-cron-expression.json")));
        Assert.That(bad.DefinitionId, Is.EqualTo(good.DefinitionId));
        await h.PublishAsync(good);

        var draft = await h.Definitions.SaveDraftAsync(bad);
        Assert.That(draft.Definition.Version, Is.EqualTo(2));
        Assert.That(draft.Validation.HasErrors, Is.True, "saving reports the problem without refusing the draft");

        var publish = await h.Definitions.PublishAsync(bad.DefinitionId);
        Assert.That(publish.Published, Is.False);
        var error = publish.Validation.Errors.Single();
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.InvalidCron));
        Assert.That(error.ActivityId, Is.EqualTo("13658e4b3bfafaaf"));
        Assert.That(error.ActivityName, Is.EqualTo("Cron1"));
        Assert.That(error.Message, Does.Contain("Cron1").And.Contain("BadCronExpression"));

        var published = await h.Definitions.GetPublishedAsync(good.DefinitionId);
        Assert.That(published!.Version, Is.EqualTo(1));
        Assert.That((await h.Definitions.GetAsync(good.DefinitionId, 2))!.IsPublished, Is.False);
        Assert.That(await h.AdvanceAsync(TimeSpan.FromMinutes(30)), Is.EqualTo(1), "version 1's trigger still fires");
    }

    [Test]
    public async Task A_five_field_cron_is_refused_with_the_six_field_form_Elsa_would_run()
    {
        var h = new Harness();
        var json = File.ReadAllText(Paths.Sample("cron-every-hour.json")).Replace("0 0 * * * *", "30 3 * * 1");
        var draft = await h.Definitions.SaveDraftAsync(WorkflowDefinition.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
        var error = draft.Validation.Errors.Single();
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.InvalidCron));
        Assert.That(error.Message, Does.Contain("five fields").And.Contain("\"0 30 3 * * 1\""));
    }

    /// <summary>Every line appears once, and after every line with a connection into it.</summary>
    private static void AssertLatticeOrder(WorkflowDefinition definition, IReadOnlyList<string> lines, IEnumerable<string> expected)
    {
        Assert.That(lines, Is.EquivalentTo(expected), "each line exactly once");
        string TextOf(string activityId) => definition.ActivitiesById[activityId].GetInput("text")!.Text!;
        var writeLines = definition.Activities.Where(a => a.Type == "Elsa.WriteLine").Select(a => a.Id).ToHashSet();
        var predecessors = new Dictionary<string, HashSet<string>>();
        foreach (var id in writeLines)
        {
            var seen = new HashSet<string>();
            var stack = new Stack<string>([id]);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                foreach (var c in definition.Connections.Where(c => c.Target == current))
                    if (seen.Add(c.Source))
                        stack.Push(c.Source);
            }
            predecessors[id] = seen;
        }
        foreach (var (id, before) in predecessors)
            foreach (var p in before.Where(writeLines.Contains))
                Assert.That(lines.ToList().IndexOf(TextOf(p)), Is.LessThan(lines.ToList().IndexOf(TextOf(id))), $"{TextOf(p)} before {TextOf(id)}");
    }
}
