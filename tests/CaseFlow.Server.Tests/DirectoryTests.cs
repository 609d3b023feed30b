using CaseFlow.Server.Hosting;
using CaseFlow.Api.V1;
using Grpc.Core;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class DirectoryTests(DatabaseProvider provider)
{
    private CaseFlowHost _host = null!;
    private DirectoryService.DirectoryServiceClient _directory = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await CaseFlowHost.StartAsync(provider: provider);
        _directory = new DirectoryService.DirectoryServiceClient(_host.Channel);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task The_seeded_directory_covers_Uttarakhand()
    {
        var districts = await _directory.ListDistrictsAsync(new ListDistrictsRequest(), _host.As(PortalKey));
        var departments = await _directory.ListDepartmentsAsync(new ListDepartmentsRequest(), _host.As(PortalKey));
        var categories = await _directory.ListCategoriesAsync(new ListCategoriesRequest { Department = "energy" }, _host.As(PortalKey));

        Assert.That(districts.Districts, Has.Count.EqualTo(13));
        Assert.That(districts.Districts.Single(d => d.Id == "dehradun").DisplayNameHi, Is.EqualTo("देहरादून"));
        Assert.That(departments.Departments, Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(departments.Departments.Select(d => d.DisplayNameHi), Has.All.Not.Empty);
        Assert.That(categories.Categories, Is.Not.Empty);
        Assert.That(categories.Categories, Has.All.Property(nameof(Category.Department)).EqualTo("energy"));
        Assert.That(categories.Categories.SelectMany(c => c.SubCategories), Is.Not.Empty);
    }

    [Test]
    public async Task The_chain_runs_from_the_local_office_to_the_Secretary_with_the_HoD_at_L3()
    {
        var chain = await _directory.GetEscalationChainAsync(new GetEscalationChainRequest { Department = "health", District = "pithoragarh" }, _host.As(PortalKey));

        Assert.That(chain.Posts.Select(p => p.Level), Is.EqualTo(new[] { Level.L1, Level.L2, Level.L3, Level.L4 }));
        Assert.That(chain.Posts[0].District, Is.EqualTo("pithoragarh"));
        Assert.That(chain.Posts[1].District, Is.EqualTo("pithoragarh"));
        Assert.That(chain.Posts[2].HeadOfDepartment, Is.True);
        Assert.That(chain.Posts[2].District, Is.Empty, "the HoD serves the whole state");
        Assert.That(chain.Posts.Select(p => p.OfficerName), Has.All.Not.Empty);
    }

    [Test]
    public async Task Unknown_department_or_district_in_a_chain_request_is_named()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _directory.GetEscalationChainAsync(
            new GetEscalationChainRequest { Department = "space", District = "atlantis" }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(Requests.Violations(e!).Keys, Is.EquivalentTo(new[] { "department", "district" }));
    }

    [Test]
    public async Task Replacing_a_post_reroutes_new_cases_is_audited_and_the_HoD_rule_is_checked()
    {
        var clean = await _directory.CheckDirectoryAsync(new CheckDirectoryRequest(), _host.As(AdminKey));
        Assert.That(clean.Violations, Is.Empty, "the seed data obeys the Chief Secretary's rule");

        var newL1 = await _directory.ReplacePostAsync(new ReplacePostRequest
        {
            RequestId = "order-" + Guid.NewGuid(), Department = "police", District = "nainital", Level = Level.L1,
            OfficerName = "Kavita Bisht", Designation = "SHO, Mallital", DesignationHi = "थानाध्यक्ष, मल्लीताल",
            Phone = "05942 235 111", Email = "sho.mallital@police.uk.example", Reason = "Transfer order 112/2026",
        }, _host.As(AdminKey));
        Assert.That(newL1.OfficerName, Is.EqualTo("Kavita Bisht"));

        var cases = new CaseService.CaseServiceClient(_host.Channel);
        var c = await cases.CreateCaseAsync(Requests.NewCase(category: "fir-complaint", district: "nainital"), _host.As(PortalKey));
        Assert.That(c.AssignedPost.OfficerName, Is.EqualTo("Kavita Bisht"));
        Assert.That(c.AssignedPost.Name, Is.EqualTo(newL1.Name));

        await _directory.ReplacePostAsync(new ReplacePostRequest
        {
            Department = "police", Level = Level.L3, OfficerName = "A. Negi", Designation = "Additional Director General (acting)",
            HeadOfDepartment = false, Reason = "Interim charge",
        }, _host.As(AdminKey));
        var check = await _directory.CheckDirectoryAsync(new CheckDirectoryRequest(), _host.As(AdminKey));
        Assert.That(check.Violations.Select(v => (v.Department, v.Rule)), Does.Contain(("police", "L3_NOT_HEAD_OF_DEPARTMENT")));
        Assert.That(check.Violations.Single(v => v.Rule == "L3_NOT_HEAD_OF_DEPARTMENT").DepartmentDisplayName, Is.Not.Empty);

        var audit = await _directory.ListPostChangesAsync(new ListPostChangesRequest { Department = "police" }, _host.As(AdminKey));
        Assert.That(audit.Changes.Select(a => a.Reason), Is.EqualTo(new[] { "Interim charge", "Transfer order 112/2026" }));
        Assert.That(audit.Changes[1].ChangedBy, Is.EqualTo("itda-admin"));
        Assert.That(audit.Changes[1].PreviousOfficerName, Is.Not.Empty.And.Not.EqualTo("Kavita Bisht"));

        // The directory version is durable: after a restart the new officer is still in post.
        await _host.RestartAsync();
        _directory = new DirectoryService.DirectoryServiceClient(_host.Channel);
        var chain = await _directory.GetEscalationChainAsync(new GetEscalationChainRequest { Department = "police", District = "nainital" }, _host.As(PortalKey));
        Assert.That(chain.Posts[0].OfficerName, Is.EqualTo("Kavita Bisht"));
    }

    [Test]
    public async Task Directory_changes_need_the_admin_right_and_a_reason()
    {
        var denied = await Assert.ThrowsAsync<RpcException>(() => _directory.CheckDirectoryAsync(new CheckDirectoryRequest(), _host.As(PortalKey)).ResponseAsync);
        Assert.That(denied!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        var noReason = await Assert.ThrowsAsync<RpcException>(() => _directory.ReplacePostAsync(new ReplacePostRequest
        {
            Department = "energy", District = "dehradun", Level = Level.L1, OfficerName = "X", Designation = "Y",
        }, _host.As(AdminKey)).ResponseAsync);
        Assert.That(Requests.Violations(noReason!), Does.ContainKey("reason"));

        var districtOnL3 = await Assert.ThrowsAsync<RpcException>(() => _directory.ReplacePostAsync(new ReplacePostRequest
        {
            Department = "energy", District = "dehradun", Level = Level.L3, OfficerName = "X", Designation = "Y", Reason = "r",
        }, _host.As(AdminKey)).ResponseAsync);
        Assert.That(Requests.Violations(districtOnL3!), Does.ContainKey("district"));
    }
}
