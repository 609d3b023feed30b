using CaseFlow.Server.Hosting;
using System.Text;
using CaseFlow.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class CaseRegistryTests(DatabaseProvider provider)
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

    [Test]
    public async Task A_registered_complaint_is_routed_to_L1_read_back_noted_and_resolved_but_never_closed()
    {
        var created = await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "almora"), _host.As(PortalKey));

        Assert.That(created.Number, Does.Match(@"^UK-\d{4}-\d{6}$"));
        Assert.That(created.Name, Is.EqualTo($"departments/energy/cases/{created.Number}"));
        Assert.That(created.Department, Is.EqualTo("energy"));
        Assert.That(created.District, Is.EqualTo("almora"));
        Assert.That(created.Level, Is.EqualTo(Level.L1));
        Assert.That(created.AssignedPost.Name, Is.EqualTo("departments/energy/posts/energy-almora-l1"));
        Assert.That(created.AssignedPost.OfficerName, Is.Not.Empty);
        Assert.That(created.Status, Is.EqualTo(CaseStatus.Registered));
        Assert.That(created.Complainant.Phone, Does.Match(@"^\+91[6-9]\d{9}$"), "the phone is stored normalised");
        Assert.That(created.CreatedBy, Is.EqualTo("helpline-portal"));

        var fetched = await _cases.GetCaseAsync(new GetCaseRequest { Name = created.Name }, _host.As(EnergyKey));
        Assert.That(fetched.Number, Is.EqualTo(created.Number));
        Assert.That(fetched.Etag, Is.EqualTo(created.Etag));

        var listed = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/energy", District = "almora" }, _host.As(EnergyKey));
        Assert.That(listed.Cases.Select(c => c.Number), Does.Contain(created.Number));

        var expected = DateTimeOffset.UtcNow.AddDays(10);
        var noted = await _cases.AddNoteAsync(new AddNoteRequest
        {
            Name = created.Name, Etag = fetched.Etag, Text = "Transformer ordered from the Haldwani store.", InterimReply = true,
            ExpectedResolutionTime = Timestamp.FromDateTimeOffset(expected), Post = "departments/energy/posts/energy-almora-l1",
        }, _host.As(EnergyKey));
        Assert.That(noted.Status, Is.EqualTo(CaseStatus.InProgress));
        Assert.That(noted.InterimReply.Text, Is.EqualTo("Transformer ordered from the Haldwani store."));
        Assert.That(noted.InterimReply.ExpectedResolutionTime.ToDateTimeOffset(), Is.EqualTo(expected).Within(TimeSpan.FromMilliseconds(1)));
        Assert.That(noted.Etag, Is.Not.EqualTo(fetched.Etag));

        var resolved = await _cases.ResolveCaseAsync(new ResolveCaseRequest
        {
            Name = created.Name, Etag = noted.Etag, Resolution = "New 100 kVA transformer installed; supply restored.",
        }, _host.As(EnergyKey));
        Assert.That(resolved.Status, Is.EqualTo(CaseStatus.Resolved), "resolving awaits the complainant's confirmation");
        Assert.That(resolved.Resolution, Does.Contain("transformer"));

        var again = await Assert.ThrowsAsync<RpcException>(() => _cases.ResolveCaseAsync(new ResolveCaseRequest
        {
            Name = created.Name, Resolution = "again",
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(again!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(again.Status.Detail, Does.Contain("Resolved"));
    }

    [Test]
    public async Task A_repeated_request_id_returns_the_same_case_and_registers_nothing_more()
    {
        var request = Requests.NewCase(requestId: "portal-" + Guid.NewGuid(), category: "water-supply");
        var first = await _cases.CreateCaseAsync(request, _host.As(PortalKey));
        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _cases.CreateCaseAsync(request, _host.As(PortalKey)).ResponseAsync));

        Assert.That(repeats.Select(r => r.Number), Is.All.EqualTo(first.Number));
        var all = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/drinking-water", PageSize = 1000 }, _host.As(PortalKey));
        Assert.That(all.Cases.Count(c => c.Description == request.Description && c.Number == first.Number), Is.EqualTo(1));

        var changed = request.Clone();
        changed.Description = "A different complaint under the same request id.";
        var refused = await Assert.ThrowsAsync<RpcException>(() => _cases.CreateCaseAsync(changed, _host.As(PortalKey)).ResponseAsync);
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Requests.Violations(refused), Does.ContainKey("request_id"));

        // The id is per calling system: the call centre may use the same string for its own complaint.
        var other = await _cases.CreateCaseAsync(request, _host.As(CallCentreKey));
        Assert.That(other.Number, Is.Not.EqualTo(first.Number));
    }

    [Test]
    public async Task Concurrent_registrations_get_distinct_consecutive_numbers()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(_ => _cases.CreateCaseAsync(Requests.NewCase(category: "ration-card"), _host.As(CallCentreKey)).ResponseAsync));
        var sequence = created.Select(c => long.Parse(c.Number[^6..])).Order().ToArray();

        Assert.That(sequence.Distinct().Count(), Is.EqualTo(200));
        Assert.That(sequence[^1] - sequence[0], Is.EqualTo(199), "numbers are gap-free");
    }

    [Test]
    public async Task Hindi_text_round_trips_byte_for_byte()
    {
        const string description = "हमारे गाँव में पिछले दस दिनों से पानी की आपूर्ति बंद है। कृपया शीघ्र कार्रवाई करें। 🙏 (ग्राम पंचायत ढालवाला, ऋषिकेश)";
        var request = Requests.NewCase(category: "water-supply", district: "tehri-garhwal", description: description);
        request.Complainant.Name = "रमेश चन्द्र नौटियाल";
        request.Complainant.Address = "ग्राम ढालवाला, पोस्ट मुनि की रेती, टिहरी गढ़वाल";
        var created = await _cases.CreateCaseAsync(request, _host.As(PortalKey));

        var fetched = await _cases.GetCaseAsync(new GetCaseRequest { Name = created.Name }, _host.As(WaterKey));

        Assert.That(Encoding.UTF8.GetBytes(fetched.Description), Is.EqualTo(Encoding.UTF8.GetBytes(description)));
        Assert.That(fetched.Complainant.Name, Is.EqualTo("रमेश चन्द्र नौटियाल"));
        Assert.That(fetched.Complainant.Address, Is.EqualTo(request.Complainant.Address));
    }

    [Test]
    public async Task Paging_walks_every_case_once_in_a_stable_order()
    {
        var district = "bageshwar";
        var created = new List<string>();
        for (var i = 0; i < 120; i++)
            created.Add((await _cases.CreateCaseAsync(Requests.NewCase(category: "pds-shop", district: district), _host.As(CallCentreKey))).Number);

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await _cases.ListCasesAsync(new ListCasesRequest
            {
                Parent = "departments/food-civil-supplies", District = district, Category = "pds-shop", PageToken = token,
            }, _host.As(PortalKey));
            Assert.That(page.Cases, Has.Count.LessThanOrEqualTo(50), "the default page size is 50");
            seen.AddRange(page.Cases.Select(c => c.Number));
            token = page.NextPageToken;
            pages++;
        } while (token != "");

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Is.EqualTo(created), "every case once, in registration order");

        var big = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/food-civil-supplies", District = district, PageSize = 5000 }, _host.As(PortalKey));
        Assert.That(big.Cases, Has.Count.EqualTo(120), "page sizes above 1000 are capped, not refused");

        var negative = await Assert.ThrowsAsync<RpcException>(() => _cases.ListCasesAsync(new ListCasesRequest
        {
            Parent = "departments/food-civil-supplies", PageSize = -1,
        }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(negative!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Requests.Violations(negative), Does.ContainKey("page_size"));

        var first = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/food-civil-supplies", District = district, PageSize = 10 }, _host.As(PortalKey));
        var switched = await Assert.ThrowsAsync<RpcException>(() => _cases.ListCasesAsync(new ListCasesRequest
        {
            Parent = "departments/food-civil-supplies", District = "almora", PageSize = 10, PageToken = first.NextPageToken,
        }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(Requests.Violations(switched!), Does.ContainKey("page_token"));

        var garbage = await Assert.ThrowsAsync<RpcException>(() => _cases.ListCasesAsync(new ListCasesRequest
        {
            Parent = "departments/food-civil-supplies", PageToken = "not-a-token",
        }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(Requests.Violations(garbage!), Does.ContainKey("page_token"));
    }

    [Test]
    public async Task Listing_filters_by_status_level_and_creation_time()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var a = await _cases.CreateCaseAsync(Requests.NewCase(category: "street-lighting", district: "champawat"), _host.As(PortalKey));
        var b = await _cases.CreateCaseAsync(Requests.NewCase(category: "street-lighting", district: "champawat"), _host.As(PortalKey));
        var admin = new CaseService.CaseServiceClient(_host.Channel);
        await _cases.ResolveCaseAsync(new ResolveCaseRequest { Name = b.Name, Resolution = "Lamp replaced." }, _host.As(StateMisKey));

        var registered = await admin.ListCasesAsync(new ListCasesRequest
        {
            Parent = "departments/urban-development", District = "champawat", Status = CaseStatus.Registered, Level = Level.L1,
            CreatedAfter = Timestamp.FromDateTimeOffset(before),
        }, _host.As(ReadOnlyKey));
        Assert.That(registered.Cases.Select(c => c.Number), Does.Contain(a.Number).And.Not.Contain(b.Number));
        var resolved = await admin.ListCasesAsync(new ListCasesRequest
        {
            Parent = "departments/urban-development", District = "champawat", Status = CaseStatus.Resolved,
        }, _host.As(ReadOnlyKey));
        Assert.That(resolved.Cases.Select(c => c.Number), Does.Contain(b.Number).And.Not.Contain(a.Number));

        var none = await admin.ListCasesAsync(new ListCasesRequest
        {
            Parent = "departments/urban-development", District = "champawat", CreatedBefore = Timestamp.FromDateTimeOffset(before),
        }, _host.As(ReadOnlyKey));
        Assert.That(none.Cases.Select(c => c.Number), Does.Not.Contain(a.Number));

        var l2 = await admin.ListCasesAsync(new ListCasesRequest { Parent = "departments/urban-development", District = "champawat", Level = Level.L2 }, _host.As(ReadOnlyKey));
        Assert.That(l2.Cases, Is.Empty);
    }

    [Test]
    public async Task A_stale_etag_is_refused_with_aborted_and_changes_nothing()
    {
        var created = await _cases.CreateCaseAsync(Requests.NewCase(category: "water-quality", district: "haridwar"), _host.As(PortalKey));
        await _cases.AddNoteAsync(new AddNoteRequest { Name = created.Name, Etag = created.Etag, Text = "Sample sent to the lab." }, _host.As(WaterKey));

        var stale = await Assert.ThrowsAsync<RpcException>(() => _cases.ResolveCaseAsync(new ResolveCaseRequest
        {
            Name = created.Name, Etag = created.Etag, Resolution = "Chlorination done.",
        }, _host.As(WaterKey)).ResponseAsync);

        Assert.That(stale!.StatusCode, Is.EqualTo(StatusCode.Aborted));
        Assert.That(Requests.Reason(stale), Is.EqualTo("ETAG_MISMATCH"));
        var now = await _cases.GetCaseAsync(new GetCaseRequest { Name = created.Name }, _host.As(WaterKey));
        Assert.That(now.Status, Is.EqualTo(CaseStatus.InProgress));
    }

    [Test]
    public async Task A_repeated_state_change_request_id_has_no_second_effect()
    {
        var created = await _cases.CreateCaseAsync(Requests.NewCase(category: "water-connection", district: "chamoli"), _host.As(PortalKey));
        var note = new AddNoteRequest { Name = created.Name, RequestId = "note-" + Guid.NewGuid(), Text = "Site visit fixed for Thursday." };

        var first = await _cases.AddNoteAsync(note, _host.As(WaterKey));
        var second = await _cases.AddNoteAsync(note, _host.As(WaterKey));

        Assert.That(second.Etag, Is.EqualTo(first.Etag), "the note was not added twice");
    }
}
