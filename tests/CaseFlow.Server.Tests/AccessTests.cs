using CaseFlow.Server.Hosting;
using CaseFlow.Api.V1;
using Grpc.Core;
using Grpc.Health.V1;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>Who may see and do what: each calling system is limited to its departments and its rights.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class AccessTests(DatabaseProvider provider)
{
    private CaseFlowHost _host = null!;
    private CaseService.CaseServiceClient _cases = null!;
    private Api.V1.Case _waterCase = null!;
    private Api.V1.Case _energyCase = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await CaseFlowHost.StartAsync(provider: provider);
        _cases = new CaseService.CaseServiceClient(_host.Channel);
        _waterCase = await _cases.CreateCaseAsync(Requests.NewCase(category: "water-supply", phone: "98970 12345"), _host.As(PortalKey));
        _energyCase = await _cases.CreateCaseAsync(Requests.NewCase(category: "electricity-billing", phone: "98970 12345"), _host.As(PortalKey));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task A_call_without_a_key_is_unauthenticated()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = _waterCase.Name }).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        Assert.That(Requests.Reason(e), Is.EqualTo("API_KEY_MISSING"));
    }

    [Test]
    public async Task A_call_with_an_unknown_key_is_unauthenticated()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = _waterCase.Name }, _host.As("guessed-key")).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        Assert.That(Requests.Reason(e), Is.EqualTo("API_KEY_INVALID"));
    }

    [Test]
    public async Task Another_departments_case_is_permission_denied_not_not_found()
    {
        var byName = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = _waterCase.Name }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(byName!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        var byWildcard = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = $"departments/-/cases/{_waterCase.Number}" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(byWildcard!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        // Permission is checked before existence, so case numbers of other departments cannot be probed.
        var missing = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = "departments/drinking-water/cases/UK-2000-999999" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(missing!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        var act = await Assert.ThrowsAsync<RpcException>(() => _cases.ResolveCaseAsync(new ResolveCaseRequest { Name = _waterCase.Name, Resolution = "x" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(act!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        var list = await Assert.ThrowsAsync<RpcException>(() => _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/drinking-water" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(list!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
    }

    [Test]
    public async Task Listing_every_department_shows_a_department_system_only_its_own()
    {
        var all = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-", PageSize = 1000 }, _host.As(EnergyKey));
        Assert.That(all.Cases, Is.Not.Empty);
        Assert.That(all.Cases.Select(c => c.Department), Is.All.EqualTo("energy"));
    }

    [Test]
    public async Task A_case_in_its_own_department_is_found_through_the_wildcard_name()
    {
        var c = await _cases.GetCaseAsync(new GetCaseRequest { Name = $"departments/-/cases/{_energyCase.Number}" }, _host.As(EnergyKey));
        Assert.That(c.Name, Is.EqualTo(_energyCase.Name));
    }

    [Test]
    public async Task An_unknown_case_in_an_allowed_department_is_not_found()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = "departments/energy/cases/UK-2000-999999" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    [Test]
    public async Task Personal_data_is_masked_for_systems_without_the_right_to_it()
    {
        var masked = await _cases.GetCaseAsync(new GetCaseRequest { Name = _energyCase.Name }, _host.As(EnergyKey));
        Assert.That(masked.PersonalDataMasked, Is.True);
        Assert.That(masked.Complainant.Phone, Is.EqualTo("+91******2345"));
        Assert.That(masked.Complainant.Email, Is.EqualTo("s***@example.com"));
        Assert.That(masked.Complainant.Address, Is.EqualTo("(withheld)"));

        var clear = await _cases.GetCaseAsync(new GetCaseRequest { Name = _waterCase.Name }, _host.As(WaterKey));
        Assert.That(clear.PersonalDataMasked, Is.False);
        Assert.That(clear.Complainant.Phone, Is.EqualTo("+919897012345"));
        Assert.That(clear.Complainant.Address, Is.EqualTo("12 Rajpur Road, Dehradun"));

        var listed = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/energy" }, _host.As(EnergyKey));
        Assert.That(listed.Cases.Select(c => c.Complainant.Phone), Has.All.Contains("******"));
    }

    [Test]
    public async Task Systems_act_only_within_their_rights()
    {
        var create = await Assert.ThrowsAsync<RpcException>(() => _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(EnergyKey)).ResponseAsync);
        Assert.That(create!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "a department MIS reads and acts; it does not register");

        var resolve = await Assert.ThrowsAsync<RpcException>(() => _cases.ResolveCaseAsync(new ResolveCaseRequest { Name = _energyCase.Name, Resolution = "x" }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(resolve!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "the portal registers; the department resolves");

        var foreignPost = await Assert.ThrowsAsync<RpcException>(() => _cases.AddNoteAsync(new AddNoteRequest
        {
            Name = _energyCase.Name, Text = "x", Post = "departments/health/posts/health-l3",
        }, _host.As(StateMisKey)).ResponseAsync);
        Assert.That(foreignPost!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "a post of another department cannot act");
    }

    [Test]
    public async Task Health_and_reflection_need_no_key()
    {
        var health = new Health.HealthClient(_host.Channel);
        var reply = await health.CheckAsync(new HealthCheckRequest());
        Assert.That(reply.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));

        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(_host.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);
        Assert.That(call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name),
            Is.SupersetOf(new[] { "caseflow.v1.CaseService", "caseflow.v1.DirectoryService" }));
    }
}
