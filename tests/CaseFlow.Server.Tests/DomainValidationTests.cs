using System.Text.Json.Nodes;
using CaseFlow.Api.V1;
using Grpc.Core;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The helpline's rules for an escalation definition, through gRPC WorkflowService as an administrator (or the
/// designer, which calls the same validation) meets them: each broken edit is reported on the activity with the
/// reason, publishing it is refused, and the version in force stays published.
/// </summary>
public sealed class DomainValidationTests
{
    private CaseFlowHost _host = null!;
    private WorkflowService.WorkflowServiceClient _workflows = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await CaseFlowHost.StartAsync();
        _workflows = new WorkflowService.WorkflowServiceClient(_host.Channel);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static JsonObject Escalation() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "workflows", "case-escalation.json")))!.AsObject();

    private static JsonArray Activities(JsonObject d) => d["root"]!["activities"]!.AsArray();
    private static JsonArray Connections(JsonObject d) => d["root"]!["connections"]!.AsArray();
    private static JsonObject Activity(JsonObject d, string id) => Activities(d).Single(a => (string?)a!["id"] == id)!.AsObject();

    /// <summary>Deletes an activity with its connections, as the designer does.</summary>
    private static JsonObject Without(JsonObject d, string id)
    {
        Activities(d).Remove(Activity(d, id));
        foreach (var c in Connections(d).Where(c => (string?)c!["source"]!["activity"] == id || (string?)c!["target"]!["activity"] == id).ToList())
            Connections(d).Remove(c);
        return d;
    }

    private static JsonObject WithoutConnection(JsonObject d, string source, string target)
    {
        Connections(d).Remove(Connections(d).Single(c => (string?)c!["source"]!["activity"] == source && (string?)c!["target"]!["activity"] == target));
        return d;
    }

    private static JsonObject WithInput(JsonObject d, string id, string input, string value)
    {
        Activity(d, id)[input]!["expression"]!["value"] = value;
        return d;
    }

    public static IEnumerable<TestCaseData> BrokenEdits()
    {
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => Without(d, "escL2")), "slaL2", "ESCALATION_CHAIN_BROKEN", "not escalated to L3")
            .SetName("Deleting the L2 escalation leaves L2's breach going nowhere");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => Without(d, "flagL4")), "slaL4", "ESCALATION_CHAIN_BROKEN", "Chief Secretary's review list")
            .SetName("Deleting the Chief Secretary flag leaves L4's breach going nowhere");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithoutConnection(d, "escL3", "joinL4")), "escL3", "ESCALATION_CHAIN_BROKEN", "L4 limit")
            .SetName("An escalation to L4 with no L4 limit after it");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => Without(d, "slaL1")), "start", "ESCALATION_CHAIN_BROKEN", "L1 limit")
            .SetName("A flow whose start sets no L1 limit");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithoutConnection(d, "escL1", "joinL2")), "escL1", "ESCALATION_CHAIN_BROKEN", "L2 limit")
            .SetName("An escalation to L2 with nothing after it");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithInput(d, "notifyHod", "message", "  ")), "notifyHod", "MISSING_MESSAGE", "no message")
            .SetName("A notice with an empty message");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithInput(d, "notifyHod", "message", "Case {caseNumber} needs you")), "notifyHod", "UNKNOWN_PLACEHOLDER", "{caseNumber}")
            .SetName("A notice with a placeholder that does not exist");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithInput(d, "slaL2", "calendar", "bihar")), "slaL2", "UNKNOWN_CALENDAR", "bihar")
            .SetName("A limit counted on a calendar the server does not have");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithInput(d, "slaL1", "workingDays", "3.5")), "slaL1", "INVALID_NUMBER", "whole number")
            .SetName("A limit of three and a half working days");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithInput(d, "slaL1", "warningShare", "50%")), "slaL1", "INVALID_NUMBER", "50%")
            .SetName("A warning share written as a percentage");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithInput(d, "notifyHod", "recipient", "the-collector")), "notifyHod", "INVALID_CHOICE", "the-collector")
            .SetName("A notice to an unknown recipient");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithInput(d, "slaL2", "workingDays", "0")), "slaL2", "OUT_OF_RANGE", "")
            .SetName("A limit of zero working days");
        yield return new TestCaseData(new Func<JsonObject, JsonObject>(d => WithoutConnection(d, "escL2", "notifyHod")), "notifyHod", "UNREACHABLE_ACTIVITY", "never run")
            .SetName("A CaseFlow step nothing leads to");
    }

    [TestCaseSource(nameof(BrokenEdits))]
    public async Task A_broken_escalation_is_reported_on_its_activity_and_cannot_be_published(Func<JsonObject, JsonObject> edit, string activity, string code, string reason)
    {
        var before = await _workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, _host.As(AdminKey));
        var published = (await _workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = "case-escalation" }, _host.As(AdminKey)))
            .Definitions.Single(d => d.IsPublished).Version;
        var json = edit(Escalation()).ToJsonString();

        var validated = await _workflows.ValidateWorkflowDefinitionAsync(new ValidateWorkflowDefinitionRequest { Json = json }, _host.As(AdminKey));
        Assert.That(validated.Publishable, Is.False);
        var issue = validated.Issues.FirstOrDefault(i => i.Code == code && i.ActivityId == activity);
        Assert.That(issue, Is.Not.Null, $"expected {code} on {activity}; got: {string.Join(" | ", validated.Issues.Select(i => $"{i.Severity} {i.Code} {i.ActivityId}: {i.Message}"))}");
        Assert.That(issue!.Severity, Is.EqualTo("ERROR"));
        Assert.That(issue.Message, Does.Contain(reason));

        var draft = await _workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = json }, _host.As(AdminKey));
        Assert.That(draft.Issues.Select(i => (i.Code, i.ActivityId)), Does.Contain((code, activity)), "the draft is kept, with the same findings");
        var refused = await Assert.ThrowsAsync<RpcException>(() => _workflows.PublishWorkflowDefinitionAsync(
            new PublishWorkflowDefinitionRequest { DefinitionId = "case-escalation", Version = draft.Definition.Version }, _host.As(AdminKey)).ResponseAsync);
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(Requests.Violations(refused), Does.ContainKey($"activities[{activity}]"));
        Assert.That(Requests.Violations(refused)[$"activities[{activity}]"], Does.Contain(code));

        var versions = await _workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = "case-escalation" }, _host.As(AdminKey));
        Assert.That(versions.Definitions.Single(d => d.IsPublished).Version, Is.EqualTo(published), "the version in force stays published");
        Assert.That(before.DefinitionId, Is.EqualTo("case-escalation"));
    }

    [Test]
    public async Task The_shipped_escalations_and_the_weekly_ranking_pass_the_helplines_rules()
    {
        foreach (var id in new[] { "case-escalation", "urgent-escalation", "weekly-ranking" })
        {
            // The published version: other tests here leave broken drafts on top of it.
            var published = (await _workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = id }, _host.As(AdminKey)))
                .Definitions.Single(v => v.IsPublished).Version;
            var d = await _workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = id, Version = published }, _host.As(AdminKey));
            var v = await _workflows.ValidateWorkflowDefinitionAsync(new ValidateWorkflowDefinitionRequest { Json = d.Json }, _host.As(AdminKey));
            Assert.That(v.Issues, Is.Empty, id);
            Assert.That(v.Publishable, Is.True, id);
        }
    }
}
