using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Core.Tests;

/// <summary>The shipped workflows are genuine Elsa definitions the runtime will publish with the CaseFlow activities.</summary>
public sealed class EscalationDefinitionTests
{
    private static IEnumerable<string> Files() => System.IO.Directory.GetFiles(Path.Combine(TestDirectory.RepoRoot, "workflows"), "*.json").Select(Path.GetFileName)!;

    [TestCaseSource(nameof(Files))]
    public void Each_shipped_workflow_validates_for_publishing(string file)
    {
        var definition = WorkflowDefinition.Parse(File.ReadAllBytes(Path.Combine(TestDirectory.RepoRoot, "workflows", file)));
        var result = new WorkflowValidator(CoreComposition.CreateActivityRegistry(), rules: CoreComposition.CreateDefinitionRules()).Validate(definition, ValidationPurpose.Publish);

        Assert.That(result.Issues, Is.Empty, result.ToString());
        Assert.That(definition.DefinitionId, Is.EqualTo(Path.GetFileNameWithoutExtension(file)), "file stem = definitionId");
    }

    [Test]
    public void The_palette_describes_the_CaseFlow_activities_from_their_attributes()
    {
        var registry = CoreComposition.CreateActivityRegistry();
        var sla = registry.Describe("CaseFlow.SlaTimer")!;

        Assert.That(sla.Outcomes, Is.EqualTo(new[] { "Breached", "Resolved", "Closed", "Moved" }));
        Assert.That(sla.Inputs.Select(i => i.Name), Is.SupersetOf(new[] { "workingDays", "duration", "calendar", "warningShare" }));
        Assert.That(sla.Inputs.Single(i => i.Name == "workingDays").UiHint, Is.EqualTo("working-days"));
        Assert.That(registry.Describe("CaseFlow.RequestFeedback")!.Outcomes, Does.Contain("NotSatisfied"));
    }
}
