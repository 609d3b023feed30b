using CaseFlow.Server.Hosting;
using CaseFlow.Api.V1;
using Grpc.Core;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class ValidationTests(DatabaseProvider provider)
{
    private CaseFlowHost _host = null!;
    private CaseService.CaseServiceClient _cases = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await CaseFlowHost.StartAsync(provider: provider);
        _cases = new CaseService.CaseServiceClient(_host.Channel);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static IEnumerable<TestCaseData> BadRequests()
    {
        TestCaseData Case(string field, Action<CreateCaseRequest> spoil) => new TestCaseData(field, spoil).SetName($"Refuses bad {field} ({{a}})");
        yield return Case("description", r => r.Description = "   ");
        yield return Case("description", r => r.Description = new string('क', 5001));
        yield return Case("description", r => r.Description = "bell \u0007 inside");
        yield return Case("category", r => r.Category = "");
        yield return Case("category", r => r.Category = "alien-abduction");
        yield return Case("sub_category", r => r.SubCategory = "not-a-sub");
        yield return Case("complainant.district", r => r.Complainant.District = "lucknow");
        yield return Case("district", r => r.District = "mumbai");
        yield return Case("complainant.phone", r => r.Complainant.Phone = "12345");
        yield return Case("complainant.phone", r => r.Complainant.Phone = "+1 202 555 0100");
        yield return Case("complainant.phone", r => r.Complainant.Phone = "");
        yield return Case("complainant.name", r => r.Complainant.Name = "");
        yield return Case("complainant.name", r => r.Complainant.Name = new string('x', 201));
        yield return Case("complainant.email", r => r.Complainant.Email = "not-an-email");
        yield return Case("complainant.address", r => r.Complainant.Address = new string('a', 1001));
        yield return Case("complainant.preferred_language", r => r.Complainant.PreferredLanguage = "fr");
        yield return Case("channel", r => r.Channel = Channel.Unspecified);
        yield return Case("channel", r => r.Channel = (Channel)42);
        yield return Case("request_id", r => r.RequestId = "");
        yield return Case("request_id", r => r.RequestId = "has spaces");
        yield return Case("attachments[0].uri", r => r.Attachments.Add(new Attachment { Uri = "file:///etc/passwd", FileName = "x" }));
    }

    [TestCaseSource(nameof(BadRequests))]
    public async Task A_bad_field_is_refused_with_invalid_argument_naming_it(string field, Action<CreateCaseRequest> spoil)
    {
        var request = Requests.NewCase();
        spoil(request);
        var before = await CountAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.CreateCaseAsync(request, _host.As(PortalKey)).ResponseAsync);

        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Requests.Violations(e), Does.ContainKey(field));
        Assert.That(Requests.Violations(e), Has.Count.EqualTo(1), "only the spoiled field is reported");
        Assert.That(await CountAsync(), Is.EqualTo(before), "a refused request stores nothing");
    }

    private async Task<int> CountAsync() =>
        (await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-", PageSize = 1000 }, _host.As(PortalKey))).Cases.Count;

    [Test]
    public async Task Every_bad_field_is_reported_at_once()
    {
        var request = new CreateCaseRequest { RequestId = "x1", Complainant = new Complainant { Phone = "abc" } };

        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.CreateCaseAsync(request, _host.As(PortalKey)).ResponseAsync);

        Assert.That(Requests.Violations(e!).Keys, Is.SupersetOf(new[]
        {
            "complainant.name", "complainant.phone", "complainant.district", "channel", "category", "description",
        }));
    }

    [Test]
    public async Task Phone_numbers_in_everyday_formats_are_accepted_and_normalised()
    {
        foreach (var phone in new[] { "9897012345", "+91 98970 12345", "098970-12345", "91 9897012345", "(0135) 271 2345" })
        {
            var request = Requests.NewCase();
            request.Complainant.Phone = phone;
            await Assert.DoesNotThrowAsync(() => _cases.CreateCaseAsync(request, _host.As(PortalKey)).ResponseAsync, phone);
        }
    }

    [Test]
    public async Task Malformed_resource_names_are_invalid_arguments()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = "cases/UK-1" }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(Requests.Violations(e!), Does.ContainKey("name"));
        var p = await Assert.ThrowsAsync<RpcException>(() => _cases.ListCasesAsync(new ListCasesRequest { Parent = "energy" }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(Requests.Violations(p!), Does.ContainKey("parent"));
    }
}
