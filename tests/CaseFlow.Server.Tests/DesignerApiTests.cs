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
}
