using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using CaseFlow.Api.V1;
using CaseFlow.Server.Hosting;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The REST/JSON transcoding of the gRPC API and the Open311 GeoReport v2 endpoints, called as a department MIS
/// or a civic app would: plain HTTP/1.1 with JSON or form bodies against the real server's HTTP port.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class HttpApiTests(DatabaseProvider provider)
{
    private const string HindiDescription = "हमारे मोहल्ले में तीन दिन से बिजली नहीं आ रही है। ट्रांसफॉर्मर जल गया है — कृपया शीघ्र ठीक कराएँ।";

    private CaseFlowHost _host = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await StartAsync(provider: provider);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.HttpPort}") };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Rest_creates_gets_lists_and_resolves_a_case_with_the_api_key()
    {
        var requestId = Guid.NewGuid().ToString();
        var body = NewCaseJson(requestId, HindiDescription);
        var (status, created) = await SendAsync(HttpMethod.Post, "/v1/cases", PortalKey, body);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), created.ToJsonString());
        var name = created["name"]!.GetValue<string>();
        Assert.That(name, Does.StartWith("departments/energy/cases/UK-"));
        Assert.That(created["level"]!.GetValue<string>(), Is.EqualTo("LEVEL_L1"));
        Assert.That(created["dueTime"], Is.Not.Null, "the case carries its L1 clock from the first response");

        var (_, again) = await SendAsync(HttpMethod.Post, "/v1/cases", PortalKey, body);
        Assert.That(again["name"]!.GetValue<string>(), Is.EqualTo(name), "a retried POST with the same request_id returns the first case");

        var (getStatus, got) = await SendAsync(HttpMethod.Get, $"/v1/{name}", EnergyKey);
        Assert.That(getStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Encoding.UTF8.GetBytes(got["description"]!.GetValue<string>()), Is.EqualTo(Encoding.UTF8.GetBytes(HindiDescription)));
        Assert.That(got["complainant"]!["phone"]!.GetValue<string>(), Does.Contain("*"), "the Energy MIS may not read personal data");
        Assert.That(got["personalDataMasked"]!.GetValue<bool>(), Is.True);

        var (_, list) = await SendAsync(HttpMethod.Get, "/v1/departments/energy/cases?pageSize=1000&district=dehradun", EnergyKey);
        Assert.That(list["cases"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()), Does.Contain(name));

        var (resolveStatus, resolved) = await SendAsync(HttpMethod.Post, $"/v1/{name}:resolve", EnergyKey,
            new JsonObject { ["resolution"] = "Transformer replaced; supply restored.", ["etag"] = got["etag"]!.GetValue<string>() });
        Assert.That(resolveStatus, Is.EqualTo(HttpStatusCode.OK), resolved.ToJsonString());
        Assert.That(resolved["status"]!.GetValue<string>(), Is.EqualTo("CASE_STATUS_RESOLVED"));

        var (staleStatus, stale) = await SendAsync(HttpMethod.Post, $"/v1/{name}:addNote", EnergyKey,
            new JsonObject { ["text"] = "late note", ["etag"] = got["etag"]!.GetValue<string>() });
        Assert.That((staleStatus, stale["code"]!.GetValue<int>()), Is.EqualTo((HttpStatusCode.Conflict, 10)), "a stale etag is ABORTED → 409");

        var (noKey, refused) = await SendAsync(HttpMethod.Get, $"/v1/{name}", apiKey: null);
        Assert.That((noKey, refused["code"]!.GetValue<int>()), Is.EqualTo((HttpStatusCode.Unauthorized, 16)));
    }

    [Test]
    public async Task A_malformed_request_gets_a_json_status_naming_every_offending_field()
    {
        var body = NewCaseJson(Guid.NewGuid().ToString(), "");
        body["complainant"]!["phone"] = "12";
        body["category"] = "no-such-category";
        var (status, error) = await SendAsync(HttpMethod.Post, "/v1/cases", PortalKey, body);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error["code"]!.GetValue<int>(), Is.EqualTo(3), "INVALID_ARGUMENT");
        var details = error["details"]!.AsArray();
        Assert.That(details.Single(d => d!["@type"]!.GetValue<string>() == "type.googleapis.com/google.rpc.ErrorInfo")!["reason"]!.GetValue<string>(),
            Is.EqualTo("INVALID_FIELDS"));
        var fields = details.Single(d => d!["@type"]!.GetValue<string>() == "type.googleapis.com/google.rpc.BadRequest")!["fieldViolations"]!.AsArray()
            .Select(v => v!["field"]!.GetValue<string>());
        Assert.That(fields, Is.EquivalentTo(new[] { "complainant.phone", "category", "description" }));

        var (badJson, parse) = await SendRawAsync(HttpMethod.Post, "/v1/cases", PortalKey, "{\"complainant\": ");
        Assert.That((badJson, parse["code"]!.GetValue<int>()), Is.EqualTo((HttpStatusCode.BadRequest, 3)), "a body that is not JSON is INVALID_ARGUMENT, not a 500");
    }

    [Test]
    public async Task Another_departments_case_is_refused_with_403()
    {
        var (_, water) = await SendAsync(HttpMethod.Post, "/v1/cases", PortalKey, NewCaseJson(Guid.NewGuid().ToString(), "पानी नहीं आ रहा है।", "water-supply"));
        var name = water["name"]!.GetValue<string>();

        var (status, error) = await SendAsync(HttpMethod.Get, $"/v1/{name}", EnergyKey);
        Assert.That((status, error["code"]!.GetValue<int>()), Is.EqualTo((HttpStatusCode.Forbidden, 7)), "PERMISSION_DENIED");
        var (listStatus, _) = await SendAsync(HttpMethod.Get, "/v1/departments/drinking-water/cases", EnergyKey);
        Assert.That(listStatus, Is.EqualTo(HttpStatusCode.Forbidden));
        var (resolveStatus, _) = await SendAsync(HttpMethod.Post, $"/v1/{name}:resolve", EnergyKey, new JsonObject { ["resolution"] = "not mine" });
        Assert.That(resolveStatus, Is.EqualTo(HttpStatusCode.Forbidden));
        var (_, unchanged) = await SendAsync(HttpMethod.Get, $"/v1/{name}", WaterKey);
        Assert.That(unchanged["status"]!.GetValue<string>(), Is.EqualTo("CASE_STATUS_REGISTERED"));
    }

    [Test]
    public async Task The_openapi_document_parses_and_lists_the_case_operations()
    {
        using var response = await _http.GetAsync("/openapi/v1.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(doc["openapi"]!.GetValue<string>(), Does.StartWith("3."));
        var operations = doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Verb: o.Key, Id: o.Value!["operationId"]?.GetValue<string>())))
            .ToList();
        Assert.That(operations, Does.Contain(("/v1/cases", "post", "CreateCase")));
        Assert.That(operations, Does.Contain(("/v1/{name}", "get", "GetCase")));
        Assert.That(operations, Does.Contain(("/v1/{parent}/cases", "get", "ListCases")));
        Assert.That(operations, Does.Contain(("/v1/{name}:resolve", "post", "ResolveCase")));
        Assert.That(operations.Where(o => o.Id is "SaveTemplate" or "PublishWorkflowDefinition"), Is.Empty, "administration stays on gRPC");
        Assert.That(doc["components"]!["schemas"]!.AsObject().Select(s => s.Key), Does.Contain("CreateCaseRequest"));
    }

    [Test]
    public async Task Open311_lists_services_in_hindi_and_english()
    {
        var services = await GetJsonAsync("/open311/v2/services.json", apiKey: null);
        var water = services.AsArray().Single(s => s!["service_code"]!.GetValue<string>() == "water-supply")!;
        Assert.That(water["service_name_en"]!.GetValue<string>(), Is.EqualTo("Drinking water supply"));
        Assert.That(water["service_name_hi"]!.GetValue<string>(), Does.Match("[\u0900-\u097F]"));
        var hindi = await GetJsonAsync("/open311/v2/services.json?locale=hi", apiKey: null);
        Assert.That(hindi.AsArray().Single(s => s!["service_code"]!.GetValue<string>() == "water-supply")!["service_name"]!.GetValue<string>(),
            Is.EqualTo(water["service_name_hi"]!.GetValue<string>()));

        var definition = await GetJsonAsync("/open311/v2/services/water-supply.json", apiKey: null);
        var district = definition["attributes"]!.AsArray().Single(a => a!["code"]!.GetValue<string>() == "district")!;
        Assert.That(district["required"]!.GetValue<bool>(), Is.True);
        Assert.That(district["values"]!.AsArray().Select(v => v!["key"]!.GetValue<string>()), Does.Contain("dehradun"));
        using var unknown = await _http.GetAsync("/open311/v2/services/no-such-service.json");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(JsonNode.Parse(await unknown.Content.ReadAsStringAsync())![0]!["code"]!.GetValue<int>(), Is.EqualTo(404));
    }

    [Test]
    public async Task Open311_registers_a_request_and_reads_it_back_byte_exact()
    {
        var phone = Requests.RandomMobile();
        var idempotency = Guid.NewGuid().ToString();
        var form = Open311Form("power-supply", HindiDescription, phone);
        var (status, created) = await PostFormAsync(form, PortalKey, idempotency);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), created.ToJsonString());
        var id = created[0]!["service_request_id"]!.GetValue<string>();
        Assert.That(id, Does.StartWith("UK-"));

        var (_, retried) = await PostFormAsync(form, PortalKey, idempotency);
        Assert.That(retried[0]!["service_request_id"]!.GetValue<string>(), Is.EqualTo(id), "a retry with the same Idempotency-Key registers nothing new");
        var (reusedStatus, reused) = await PostFormAsync(Open311Form("power-supply", "a different complaint", phone), PortalKey, idempotency);
        Assert.That(reusedStatus, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reused[0]!["description"]!.GetValue<string>(), Does.StartWith("Idempotency-Key:"));

        // Read back by the owning department's system, which may not read personal data.
        using var raw = await GetAsync($"/open311/v2/requests/{id}.json", EnergyKey);
        var bytes = await raw.Content.ReadAsByteArrayAsync();
        var request = JsonNode.Parse(bytes)![0]!;
        Assert.That(Encoding.UTF8.GetBytes(request["description"]!.GetValue<string>()), Is.EqualTo(Encoding.UTF8.GetBytes(HindiDescription)));
        Assert.That(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(HindiDescription)), Is.GreaterThan(0), "the description is sent as UTF-8, not escaped");
        Assert.That(request["status"]!.GetValue<string>(), Is.EqualTo("open"));
        Assert.That(request["service_code"]!.GetValue<string>(), Is.EqualTo("power-supply"));
        Assert.That(request["address"]!.GetValue<string>(), Is.EqualTo("(withheld)"), "the address is personal data");
        Assert.That(request["status_notes"]!.GetValue<string>(), Does.Contain("L1"));
        Assert.That(request["expected_datetime"], Is.Not.Null);
        var full = await GetJsonAsync($"/open311/v2/requests/{id}.json", PortalKey);
        Assert.That(full[0]!["address"]!.GetValue<string>(), Is.EqualTo("12 Rajpur Road, Dehradun"));

        using var xml = await GetAsync($"/open311/v2/requests/{id}.xml", EnergyKey);
        var doc = XDocument.Parse(await xml.Content.ReadAsStringAsync());
        Assert.That(doc.Root!.Name.LocalName, Is.EqualTo("service_requests"));
        Assert.That(doc.Root.Element("request")!.Element("description")!.Value, Is.EqualTo(HindiDescription));

        // The same case through gRPC: one domain path.
        var cases = new CaseService.CaseServiceClient(_host.Channel);
        var viaGrpc = await cases.GetCaseAsync(new GetCaseRequest { Name = $"departments/-/cases/{id}" }, _host.As(PortalKey));
        Assert.That((viaGrpc.Department, viaGrpc.Complainant.Phone, viaGrpc.Channel), Is.EqualTo(("energy", "+91" + phone, Channel.App)));
    }

    [Test]
    public async Task Open311_scopes_reads_to_the_keys_department_and_maps_closed_cases()
    {
        var (_, created) = await PostFormAsync(Open311Form("water-supply", "तीन दिन से पानी नहीं।", Requests.RandomMobile()), PortalKey, Guid.NewGuid().ToString());
        var id = created[0]!["service_request_id"]!.GetValue<string>();

        using (var other = await GetAsync($"/open311/v2/requests/{id}.json", EnergyKey))
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await GetJsonAsync($"/open311/v2/requests.json?service_request_id={id}", EnergyKey)).AsArray(), Is.Empty,
            "another department's case is left out, as if it did not exist");
        Assert.That((await GetJsonAsync($"/open311/v2/requests.json?service_request_id={id},UK-2026-999999", WaterKey)).AsArray()
            .Select(r => r!["service_request_id"]!.GetValue<string>()), Is.EqualTo(new[] { id }));
        using (var anonymous = await GetAsync($"/open311/v2/requests/{id}.json", apiKey: null))
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await GetJsonAsync("/open311/v2/requests.json?service_code=water-supply&status=open", EnergyKey)).AsArray(), Is.Empty);

        var cases = new CaseService.CaseServiceClient(_host.Channel);
        var c = await cases.GetCaseAsync(new GetCaseRequest { Name = $"departments/-/cases/{id}" }, _host.As(WaterKey));
        c = await cases.ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Etag = c.Etag, Resolution = "Pipeline repaired." }, _host.As(WaterKey));
        var resolved = (await GetJsonAsync($"/open311/v2/requests/{id}.json", WaterKey))[0]!;
        Assert.That(resolved["status"]!.GetValue<string>(), Is.EqualTo("open"), "resolved is not closed until the complainant confirms");
        Assert.That(resolved["status_notes"]!.GetValue<string>(), Does.Contain("Awaiting the complainant's confirmation"));
        await cases.RecordFeedbackAsync(new RecordFeedbackRequest { Name = c.Name, Etag = c.Etag, Channel = FeedbackChannel.CallBack, Satisfied = true, Rating = 5 },
            _host.As(CallCentreKey));

        var closed = await GetJsonAsync("/open311/v2/requests.json?service_code=water-supply&status=closed", WaterKey);
        var mine = closed.AsArray().Single(r => r!["service_request_id"]!.GetValue<string>() == id)!;
        Assert.That(mine["status"]!.GetValue<string>(), Is.EqualTo("closed"));
        Assert.That(mine["status_notes"]!.GetValue<string>(), Does.Contain("Pipeline repaired."));
        Assert.That((await GetJsonAsync("/open311/v2/requests.json?service_code=water-supply&status=open", WaterKey)).AsArray()
            .Select(r => r!["service_request_id"]!.GetValue<string>()), Does.Not.Contain(id));
    }

    [Test]
    public async Task Open311_refuses_bad_input_under_the_standards_own_parameter_names()
    {
        var form = new Dictionary<string, string> { ["service_code"] = "no-such-service", ["phone"] = "12", ["description"] = "" };
        var (status, errors) = await PostFormAsync(form, PortalKey, Guid.NewGuid().ToString());
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        var described = errors.AsArray().Select(e => e!["description"]!.GetValue<string>().Split(':')[0]).ToList();
        Assert.That(described, Is.SupersetOf(new[] { "service_code", "phone", "first_name", "attribute[district]", "description" }));
        Assert.That(errors.AsArray().Select(e => e!["code"]!.GetValue<int>()), Is.All.EqualTo(400));

        var (noRight, _) = await PostFormAsync(Open311Form("power-supply", "बिजली नहीं", Requests.RandomMobile()), EnergyKey, Guid.NewGuid().ToString());
        Assert.That(noRight, Is.EqualTo(HttpStatusCode.Forbidden), "the Energy MIS may read cases but not register them");
        using var badStatus = await GetAsync("/open311/v2/requests.json?status=pending&start_date=yesterday", WaterKey);
        Assert.That(badStatus.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await badStatus.Content.ReadAsStringAsync(), Does.Contain("status:").And.Contain("start_date:"));
    }

    private static JsonObject NewCaseJson(string requestId, string description, string category = "power-supply") => new()
    {
        ["requestId"] = requestId,
        ["complainant"] = new JsonObject
        {
            ["name"] = "सुनीता रावत", ["phone"] = Requests.RandomMobile(), ["district"] = "dehradun", ["address"] = "12 Rajpur Road, Dehradun",
        },
        ["channel"] = "CHANNEL_PORTAL",
        ["category"] = category,
        ["description"] = description,
    };

    private static Dictionary<string, string> Open311Form(string service, string description, string phone) => new()
    {
        ["service_code"] = service,
        ["first_name"] = "सुनीता",
        ["last_name"] = "रावत",
        ["phone"] = phone,
        ["attribute[district]"] = "dehradun",
        ["address_string"] = "12 Rajpur Road, Dehradun",
        ["description"] = description,
        ["locale"] = "hi_IN",
    };

    private async Task<(HttpStatusCode, JsonNode)> PostFormAsync(Dictionary<string, string> form, string apiKey, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("x-api-key", apiKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private Task<(HttpStatusCode, JsonNode)> SendAsync(HttpMethod method, string path, string? apiKey, JsonObject? body = null) =>
        SendRawAsync(method, path, apiKey, body?.ToJsonString());

    private async Task<(HttpStatusCode, JsonNode)> SendRawAsync(HttpMethod method, string path, string? apiKey, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null) request.Headers.Add("x-api-key", apiKey);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length > 0 ? text : "{}")!);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null) request.Headers.Add("x-api-key", apiKey);
        return await _http.SendAsync(request);
    }

    private async Task<JsonNode> GetJsonAsync(string path, string? apiKey)
    {
        using var response = await GetAsync(path, apiKey);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonNode.Parse(text)!;
    }
}
