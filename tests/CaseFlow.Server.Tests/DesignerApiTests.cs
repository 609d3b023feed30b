using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseFlow.Server.Tests;

/// <summary>The designer's JSON API answers as the runtime reads the definition, so the page never needs a second copy of a rule.</summary>
public sealed class DesignerApiTests
{
    private CaseFlowHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await CaseFlowHost.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static JsonObject Escalation() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "workflows", "case-escalation.json")))!.AsObject();

    private async Task<Dictionary<string, string[]>> PortsAsync(DesignerClient client, JsonObject definition)
    {
        var response = await client.PostAsync("/designer/api/validate", definition.ToJsonString());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("ports").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
    }

    [Test]
    public async Task Validation_gives_each_activitys_ports_as_the_runtime_follows_them_for_Elsas_cases_array_and_the_wrapped_form()
    {
        using var client = await DesignerClient.SignedInAsync(_host);
        var definition = Escalation();

        var ports = await PortsAsync(client, definition);
        Assert.That(ports["routeLevel"], Is.EqualTo(new[] { "L1", "L2", "L3", "L4", "Default" }), "Elsa's plain cases array, as shipped");
        Assert.That(ports["slaL1"], Does.Contain("Breached"), "a type's declared outcomes");

        // The same switch with its cases wrapped as an Object input holding a JSON string (what some writers emit),
        // and with a case renamed: the ports follow the definition, not a copy of the type.
        var routeLevel = definition["root"]!["activities"]!.AsArray().Single(a => (string?)a!["id"] == "routeLevel")!.AsObject();
        var cases = routeLevel["cases"]!.AsArray();
        cases[0]!["label"] = "First";
        routeLevel["cases"] = new JsonObject
        {
            ["typeName"] = "Object",
            ["expression"] = new JsonObject { ["type"] = "Object", ["value"] = cases.ToJsonString() },
        };
        Assert.That((await PortsAsync(client, definition))["routeLevel"], Is.EqualTo(new[] { "First", "L2", "L3", "L4", "Default" }));
    }

    [Test]
    public async Task The_palette_offers_Elsas_composites_and_each_published_workflow_usable_as_an_activity_under_its_own_type()
    {
        using var client = await DesignerClient.SignedInAsync(_host);
        var child = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "CaseFlow.Workflows.Tests", "Fixtures", "composites", "amount-check.json"));

        async Task<JsonElement[]> TypesAsync()
        {
            var response = await client.Http.GetAsync("/designer/api/activity-types");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToArray();
        }

        var before = await TypesAsync();
        Assert.That(before.Select(t => t.GetProperty("type").GetString()), Does.Contain("Elsa.If").And.Contain("Elsa.ForEach").And.Contain("Elsa.Flowchart"));
        Assert.That(before.Single(t => t.GetProperty("type").GetString() == "Elsa.If").GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()),
            Is.EqualTo(new[] { "True", "False", "Done" }));
        Assert.That(before.Any(t => t.GetProperty("type").GetString() == "AmountCheck"), Is.False, "a draft is not offered");

        var saved = await client.PostAsync("/designer/api/drafts", child);
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await saved.Content.ReadAsStringAsync());
        var published = await client.PostAsync("/designer/api/definitions/amount-check/publish");
        Assert.That(published.StatusCode, Is.EqualTo(HttpStatusCode.OK), await published.Content.ReadAsStringAsync());

        var offered = (await TypesAsync()).Single(t => t.GetProperty("type").GetString() == "AmountCheck");
        Assert.That(offered.GetProperty("category").GetString(), Is.EqualTo("Workflows"));
        Assert.That(offered.GetProperty("workflowDefinitionId").GetString(), Is.EqualTo("amount-check"));
        Assert.That(offered.GetProperty("workflowVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(offered.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()), Is.EqualTo(new[] { "amount" }));
        Assert.That(offered.GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()), Is.EqualTo(new[] { "Approve", "Escalate" }),
            "the ports a parent connects are the child's declared outcomes");
    }
}
