using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Tests.Support;

namespace CaseFlow.Workflows.Tests;

public class PaletteTests
{
    private static readonly ActivityRegistry Registry = ActivityRegistry.CreateWithBuiltIns();

    [Test]
    public void Every_built_in_elsa_activity_is_registered_with_a_class_named_after_its_type()
    {
        var expected = new[]
        {
            "Elsa.Start", "Elsa.End", "Elsa.Finish", "Elsa.Fault", "Elsa.WriteLine", "Elsa.SetVariable", "Elsa.SetName", "Elsa.Correlate",
            "Elsa.FlowDecision", "Elsa.FlowSwitch", "Elsa.FlowFork", "Elsa.FlowJoin", "Elsa.Delay", "Elsa.Timer", "Elsa.StartAt",
            "Elsa.Cron", "Elsa.Event", "Elsa.PublishEvent", "Elsa.SetOutput", "Elsa.Complete", "Elsa.RunJavaScript", "Elsa.ExecuteWorkflow", "Elsa.DispatchWorkflow", "Elsa.Break",
        };
        Assert.That(Registry.Descriptors.Select(d => d.Type), Is.EquivalentTo(expected));
        foreach (var type in expected)
            Assert.That(Registry.Find(type)!.GetType().Name, Is.EqualTo(type["Elsa.".Length..]));
    }

    [Test]
    public void Descriptors_carry_inputs_with_ui_hints_outcomes_and_trigger_flags()
    {
        var delay = Registry.Describe("Elsa.Delay")!;
        Assert.That(delay.Inputs.Single(), Has.Property("Name").EqualTo("timeSpan").And.Property("TypeName").EqualTo("TimeSpan").And.Property("UiHint").EqualTo(UiHints.Duration));
        Assert.That(delay.Outcomes, Is.EqualTo(new[] { "Done" }));
        Assert.That(delay.IsTrigger, Is.False);

        Assert.That(Registry.Describe("Elsa.Cron")!.Inputs.Single().UiHint, Is.EqualTo(UiHints.Cron));
        Assert.That(Registry.Descriptors.Where(d => d.IsTrigger).Select(d => d.Type), Is.EquivalentTo(new[] { "Elsa.Timer", "Elsa.Cron", "Elsa.StartAt" }));
        Assert.That(Registry.Describe("Elsa.FlowDecision")!.Outcomes, Is.EqualTo(new[] { "True", "False" }));
        Assert.That(Registry.Describe("Elsa.End")!.Outcomes, Is.Empty);

        var join = Registry.Describe("Elsa.FlowJoin")!;
        Assert.That(join.Inputs.Single().TypeName, Is.EqualTo("Elsa.Workflows.Activities.Flowchart.Models.FlowJoinMode, Elsa.Workflows.Core"));
        Assert.That(join.Inputs.Single().DefaultValue, Is.EqualTo("WaitAny"));

        var flowSwitch = Registry.Describe("Elsa.FlowSwitch")!;
        Assert.That(flowSwitch.HasDynamicOutcomes, Is.True);
        Assert.That(Registry.Describe("Elsa.FlowFork")!.HasDynamicOutcomes, Is.True);
        Assert.That(Registry.Describe("Elsa.WriteLine")!.DisplayName, Is.EqualTo("Write Line"));
    }

    [Test]
    public void Dynamic_outcomes_are_computed_from_the_node()
    {
        var fork = WorkflowDefinition.Parse(File.ReadAllBytes(Paths.Sample("fork.json"))).Activities.Single(a => a.Type == "Elsa.FlowFork");
        Assert.That(Registry.Find("Elsa.FlowFork")!.GetOutcomes(fork), Is.EqualTo(new[] { "One", "Two", "Three" }));
    }

    [Test]
    public void Other_projects_register_their_own_activities_explicitly()
    {
        var registry = ActivityRegistry.CreateWithBuiltIns().Register<TestSlaTimer>();
        var sla = registry.Describe("CaseFlow.SlaTimer")!;
        Assert.That(sla.Category, Is.EqualTo("CaseFlow"));
        Assert.That(sla.Outcomes, Is.EqualTo(new[] { "Breached" }));
        Assert.That(sla.Inputs.Single().DefaultValue, Is.EqualTo("3"));
        Assert.That(() => registry.Register<TestSlaTimer>(), Throws.InvalidOperationException.With.Message.Contains("twice"));
        Assert.That(ActivityRegistry.CreateWithBuiltIns().IsKnown("CaseFlow.SlaTimer"), Is.False, "no scanning: unregistered means unknown");
    }
}
