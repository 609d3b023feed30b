using CaseFlow.Server.Designer;

namespace CaseFlow.Server.Tests;

/// <summary>What the designer's "changes against the published version" lists, on the shipped escalation file.</summary>
[TestFixture]
public sealed class WorkflowDiffTests
{
    private static readonly string Escalation = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "workflows", "case-escalation.json"));

    [Test]
    public void An_unchanged_definition_has_no_changes_and_moving_a_node_is_not_a_change()
    {
        Assert.That(WorkflowDiff.Compare(Escalation, Escalation), Is.Empty);
        var moved = Escalation.Replace("\"x\": 500,", "\"x\": 512,");
        Assert.That(moved, Is.Not.EqualTo(Escalation));
        Assert.That(WorkflowDiff.Compare(Escalation, moved), Is.Empty);
    }

    [Test]
    public void A_changed_limit_names_the_activity_the_input_and_both_values()
    {
        var edited = new System.Text.RegularExpressions.Regex("(\"workingDays\":\\s*\\{[^}]*\"expression\":\\s*\\{[^}]*\"value\":\\s*)\"7\"")
            .Replace(Escalation, "$1\"3\"", 1);
        var change = WorkflowDiff.Compare(Escalation, edited).Single();
        Assert.That(change, Is.EqualTo(new WorkflowChange("ActivityChanged", "slaL1", "workingDays", "7", "3", "Time limit at L1 (local office) (slaL1): workingDays 7 → 3")));
        var named = WorkflowDiff.Compare(Escalation, edited, (type, input) => type == "CaseFlow.SlaTimer" && input == "workingDays" ? "Working days" : null).Single();
        Assert.That(named.Summary, Is.EqualTo("Time limit at L1 (local office) (slaL1): Working days 7 → 3"), "the input in the words of its descriptor");
    }

    [Test]
    public void Added_and_removed_activities_and_connections_are_listed_in_either_connection_form()
    {
        const string before = """
            {"root":{"activities":[{"id":"a","type":"Elsa.Start"},{"id":"b","type":"Elsa.End"}],
             "connections":[{"source":"a","target":"b","sourcePort":"Done","targetPort":"In"}]}}
            """;
        const string after = """
            {"root":{"activities":[{"id":"a","type":"Elsa.Start"},{"id":"c","name":"Log","type":"Elsa.WriteLine"},{"id":"b","type":"Elsa.End"}],
             "connections":[{"source":{"activity":"a","port":"Done"},"target":{"activity":"c","port":"In"}},
                            {"source":{"activity":"c","port":"Done"},"target":{"activity":"b","port":"In"}}]}}
            """;
        var kinds = WorkflowDiff.Compare(before, after).Select(c => c.Summary).ToList();
        Assert.That(kinds, Is.EquivalentTo(new[] { "Added Log (c)", "Connected a (Done) → Log (c)", "Connected Log (c) (Done) → b", "Disconnected a (Done) → b" }));
        Assert.That(WorkflowDiff.Compare(before, before.Replace("{\"source\":\"a\",\"target\":\"b\",\"sourcePort\":\"Done\",\"targetPort\":\"In\"}",
            "{\"source\":{\"activity\":\"a\",\"port\":\"Done\"},\"target\":{\"activity\":\"b\",\"port\":\"In\"},\"vertices\":[]}")), Is.Empty,
            "the legacy flat form and the Elsa 3 form are the same connection");
    }
}
