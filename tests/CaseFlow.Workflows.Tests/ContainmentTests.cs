using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Tests.Support;
using CaseFlow.Workflows.Validation;
using static CaseFlow.Workflows.Tests.Support.Flow;

namespace CaseFlow.Workflows.Tests;

/// <summary>
/// Administrators' mistakes and hostile edits: a loop that never waits, scripts that would run, allocate or
/// leak without end, schedules that fire too often or never. Each is refused when saved or contained when run.
/// </summary>
public sealed class ContainmentTests
{
    private static JsonObjectBuilder Decision(string id, string script) => new(Activity(id, "Elsa.FlowDecision", ("condition", "Boolean", "JavaScript", script)));

    private sealed record JsonObjectBuilder(System.Text.Json.Nodes.JsonObject Node);

    [Test]
    public void An_unconditional_loop_without_a_wait_is_an_error_naming_its_activities()
    {
        var h = new Harness();
        var loop = WorkflowDefinition.FromJsonObject(Definition("spin",
            [Start(), WriteLine("A", "a"), WriteLine("B", "b")],
            [Connect("Start1", "A"), Connect("A", "B"), Connect("B", "A")]));
        var result = h.Definitions.Validate(loop, ValidationPurpose.Publish);
        var issue = result.Issues.Single(i => i.Code == ValidationCodes.LoopWithoutWait);
        Assert.That(issue.Severity, Is.EqualTo(ValidationSeverity.Error));
        Assert.That(issue.Message, Does.Contain("A").And.Contain("B"));
    }

    [Test]
    public void A_loop_behind_a_decision_is_a_warning_and_a_loop_through_a_wait_is_fine()
    {
        var h = new Harness();
        var guarded = WorkflowDefinition.FromJsonObject(Definition("guarded",
            [Start(), Decision("Again", "true").Node, WriteLine("A", "a")],
            [Connect("Start1", "Again"), Connect("Again", "A", "True"), Connect("A", "Again")]));
        var issue = h.Definitions.Validate(guarded, ValidationPurpose.Publish).Issues.Single(i => i.Code == ValidationCodes.LoopWithoutWait);
        Assert.That(issue.Severity, Is.EqualTo(ValidationSeverity.Warning));
        Assert.That(issue.ActivityId, Is.EqualTo("Again"));

        var waits = WorkflowDefinition.FromJsonObject(Definition("waits",
            [Start(), Delay("Wait", "0.01:00:00"), WriteLine("A", "a")],
            [Connect("Start1", "Wait"), Connect("Wait", "A"), Connect("A", "Wait")]));
        Assert.That(h.Definitions.Validate(waits, ValidationPurpose.Publish).Issues.Where(i => i.Code == ValidationCodes.LoopWithoutWait), Is.Empty);
    }

    [Test]
    public async Task A_loop_that_never_leaves_faults_its_instance_at_the_step_budget_and_other_instances_run()
    {
        var h = new Harness();
        await h.PublishAsync(Definition("guarded",
            [Start(), Decision("Again", "true").Node, WriteLine("A", "a")],
            [Connect("Start1", "Again"), Connect("Again", "A", "True"), Connect("A", "Again")]));
        await h.PublishAsync(Definition("fine", [Start(), WriteLine("Hello", "hello")], [Connect("Start1", "Hello")]));

        var spun = await h.Engine.StartAsync("guarded");
        Assert.That(spun.Status, Is.EqualTo(WorkflowStatus.Faulted));
        var incident = (await h.Store.GetIncidentsAsync(spun.Id)).Single();
        Assert.That(incident.Message, Does.Contain("Step budget exceeded"));
        var journal = await h.Store.GetJournalAsync(spun.Id);
        Assert.That(journal.Count, Is.LessThanOrEqualTo(new WorkflowEngineOptions().MaxJournalEntriesPerStep + 5), "a runaway step does not journal every round");
        Assert.That(journal.Select(j => j.Kind), Does.Contain(JournalKind.Omitted));

        Assert.That((await h.Engine.StartAsync("fine")).Status, Is.EqualTo(WorkflowStatus.Finished));
    }

    [TestCase("10675199.02:48:05", "longest")]
    [TestCase("400.00:00:00", "longest")]
    public void A_duration_past_the_maximum_is_refused(string value, string expected)
    {
        var h = new Harness();
        var d = WorkflowDefinition.FromJsonObject(Definition("long", [Start(), Delay("Wait", value)], [Connect("Start1", "Wait")]));
        var issue = h.Definitions.Validate(d, ValidationPurpose.Save).Issues.Single(i => i.ActivityId == "Wait");
        Assert.That(issue.Severity, Is.EqualTo(ValidationSeverity.Error));
        Assert.That(issue.Message, Does.Contain(expected));
    }

    private static System.Text.Json.Nodes.JsonObject Trigger(string type, string input, string typeName, string expressionType, string value)
    {
        var a = Activity("Trigger1", type, (input, typeName, expressionType, value));
        a["customProperties"]!["canStartWorkflow"] = true;
        return a;
    }

    [TestCase("Elsa.Timer", "interval", "TimeSpan", "Literal", "00:00:00.001", "at most once every")]
    [TestCase("Elsa.Cron", "cronExpression", "String", "Literal", "* * * * * *", "apart")]
    [TestCase("Elsa.Cron", "cronExpression", "String", "Literal", "0 0 0 30 2 *", "does not fire")]
    [TestCase("Elsa.Cron", "cronExpression", "String", "JavaScript", "'not a cron'", "cannot be worked out")]
    [TestCase("Elsa.Cron", "cronExpression", "String", "JavaScript", "'* * * * * *'", "apart")]
    public async Task A_trigger_that_fires_too_often_never_or_not_at_all_is_not_published_and_the_version_in_force_stays(
        string type, string input, string typeName, string expressionType, string value, string expected)
    {
        var h = new Harness();
        await h.PublishAsync(Definition("weekly", [Trigger("Elsa.Cron", "cronExpression", "String", "Literal", "0 30 3 * * 1"), WriteLine("Go", "go")], [Connect("Trigger1", "Go")]));
        var before = await h.Store.ListTriggersAsync("weekly");

        var bad = Definition("weekly", [Trigger(type, input, typeName, expressionType, value), WriteLine("Go", "go")], [Connect("Trigger1", "Go")]);
        await h.Definitions.SaveDraftAsync(WorkflowDefinition.FromJsonObject(bad));
        var result = await h.Definitions.PublishAsync("weekly");

        Assert.That(result.Published, Is.False);
        Assert.That(result.Validation.Errors.Select(e => e.ActivityId), Does.Contain("Trigger1"));
        Assert.That(string.Join(" ", result.Validation.Errors.Select(e => e.Message)), Does.Contain(expected));
        Assert.That((await h.Definitions.GetPublishedAsync("weekly"))!.Version, Is.EqualTo(1), "the version in force keeps running");
        Assert.That((await h.Store.ListTriggersAsync("weekly")).Select(t => (t.DefinitionVersion, t.DueAt)), Is.EqualTo(before.Select(t => (t.DefinitionVersion, t.DueAt))));
    }

    [Test]
    public async Task Start_up_with_a_published_version_whose_schedule_broke_falls_back_to_the_last_good_one()
    {
        var h = new Harness();
        await h.PublishAsync(Definition("weekly", [Trigger("Elsa.Cron", "cronExpression", "String", "Literal", "0 30 3 * * 1"), WriteLine("Go", "go")], [Connect("Trigger1", "Go")]));
        // As an older server would have left it: a version published without its schedule being checked.
        var broken = WorkflowDefinition.FromJsonObject(Definition("weekly",
            [Trigger("Elsa.Cron", "cronExpression", "String", "JavaScript", "'garbage'"), WriteLine("Go", "go")], [Connect("Trigger1", "Go")]));
        var v1 = (await h.DefinitionStore.GetPublishedAsync("weekly"))!;
        var json = System.Text.Encoding.UTF8.GetString(broken.ToUtf8Bytes());
        await h.DefinitionStore.SaveAsync([v1 with { IsPublished = false, IsLatest = false },
            new Persistence.StoredDefinition("weekly", 2, "weekly", json, true, true, Harness.Epoch, Harness.Epoch, Harness.Epoch)]);
        await h.Store.ReplaceTriggersAsync("weekly", []);

        var problems = await h.Definitions.EnsureTriggersAsync();

        var problem = problems.Single();
        Assert.That((problem.DefinitionId, problem.Version, problem.FellBackTo), Is.EqualTo(("weekly", 2, (int?)1)));
        Assert.That((await h.Definitions.GetPublishedAsync("weekly"))!.Version, Is.EqualTo(1));
        Assert.That((await h.Store.ListTriggersAsync("weekly")).Single().DefinitionVersion, Is.EqualTo(1));
    }

    private sealed class Scope : IExpressionScope
    {
        private readonly Dictionary<string, System.Text.Json.Nodes.JsonNode?> _variables = new();
        public string? CorrelationId { get; set; } = "UK-2026-000001";
        public string? InstanceId => "i";
        public IReadOnlyList<VariableDefinition> VariableDefinitions { get; } = [];
        public IEnumerable<string> InputNames => [];
        public System.Text.Json.Nodes.JsonNode? GetVariable(string nameOrId) => _variables.GetValueOrDefault(nameOrId);
        public void SetVariable(string nameOrId, System.Text.Json.Nodes.JsonNode? value) => _variables[nameOrId] = value;
        public System.Text.Json.Nodes.JsonNode? GetInput(string name) => null;
    }

    [Test]
    public void One_scripts_globals_never_reach_another_script()
    {
        var js = new JavaScriptEvaluator();
        var scope = new Scope();
        // What a hostile definition tried: redefine an accessor another definition's routing relies on.
        js.Evaluate("getCaseLevel = function () { return 4 }; Math.max = function () { return -1 }; var leaked = 1; 0", scope);
        Assert.That(js.Evaluate("typeof getCaseLevel", scope)!.GetValue<string>(), Is.EqualTo("undefined"));
        Assert.That(js.Evaluate("Math.max(1, 2)", scope)!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(js.Evaluate("typeof leaked", scope)!.GetValue<string>(), Is.EqualTo("undefined"));
        Assert.That(js.Evaluate("let x = 1; x + 1", scope)!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(js.Evaluate("let x = 2; x + 1", scope)!.GetValue<long>(), Is.EqualTo(3), "a second `let x` is not a redeclaration");
        Assert.Throws<Jint.Runtime.JavaScriptException>(() => js.Evaluate("''.constructor.constructor('return 1')()", scope), "no string compilation");
    }

    [Test]
    public void A_backtracking_regex_and_a_single_huge_allocation_are_stopped_quickly()
    {
        var js = new JavaScriptEvaluator();
        var scope = new Scope();
        Assert.That(() => js.Evaluate("/^(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')", scope), Throws.Exception);
        Assert.That(() => js.Evaluate("'x'.repeat(1 << 28).length", scope), Throws.InstanceOf<Jint.Runtime.JavaScriptException>().With.Message.Contains("repeat"));
        Assert.That(() => js.Evaluate("'x'.padEnd(1 << 28).length", scope), Throws.InstanceOf<Jint.Runtime.JavaScriptException>());
        Assert.That(() => js.Evaluate("'x'.repeat(4000000).replaceAll('x', 'yy').length", scope), Throws.InstanceOf<Jint.Runtime.JavaScriptException>());
        Assert.That(() => js.Evaluate("new Array(2000000).fill('x').join('')", scope), Throws.Exception);
        Assert.That(js.Evaluate("'ab'.repeat(3)", scope)!.GetValue<string>(), Is.EqualTo("ababab"), "ordinary use still works");
        Assert.That(js.Evaluate("['a', 'b'].join('-')", scope)!.GetValue<string>(), Is.EqualTo("a-b"));
    }
}
