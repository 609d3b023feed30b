using CaseFlow.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using CaseFlow.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// Probed as a hostile or careless integrating system would: the other department, a post it may not act
/// for, guessed case numbers, oversized input, impossible timestamps, guessed keys.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class AuthorizationTests(DatabaseProvider provider)
{
    private const string WaterL1 = "departments/drinking-water/posts/drinking-water-dehradun-l1";
    private const string WaterL2 = "departments/drinking-water/posts/drinking-water-dehradun-l2";
    private const string EnergyL2 = "departments/energy/posts/energy-dehradun-l2";
    private const string EnergyL3 = "departments/energy/posts/energy-l3";
    private const string EnergyL4 = "departments/energy/posts/energy-l4";

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

    private async Task<Api.V1.Case> WaterCaseProposedToEnergy()
    {
        var c = await _cases.CreateCaseAsync(Requests.NewCase(category: "water-supply"), _host.As(PortalKey));
        return await _cases.ProposeTransferAsync(new ProposeTransferRequest
        {
            Name = c.Name, Post = WaterL1, ToDepartment = "energy", Reason = "The pump stopped because the feeder is down: UPCL's fault, not ours.",
        }, _host.As(WaterKey));
    }

    [Test]
    public async Task The_sending_department_cannot_approve_its_own_transfer_even_naming_a_receiving_post()
    {
        var c = await WaterCaseProposedToEnergy();

        var asReceiver = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveTransferAsync(new DecideRequest { Name = c.Name, Post = EnergyL2 }, _host.As(WaterKey)).ResponseAsync);
        Assert.That(asReceiver!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(Requests.Reason(asReceiver), Is.EqualTo("POST_NOT_ALLOWED"), "a water system may not act as an energy post");

        var asItself = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveTransferAsync(new DecideRequest { Name = c.Name, Post = WaterL2 }, _host.As(WaterKey)).ResponseAsync);
        Assert.That(asItself!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        var noPost = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveTransferAsync(new DecideRequest { Name = c.Name }, _host.As(WaterKey)).ResponseAsync);
        Assert.That(noPost!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        var reject = await Assert.ThrowsAsync<RpcException>(() => _cases.RejectTransferAsync(new DecideRequest { Name = c.Name, Post = WaterL2 }, _host.As(WaterKey)).ResponseAsync);
        Assert.That(reject!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        var still = await _cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, _host.As(WaterKey));
        Assert.That(still.Status, Is.EqualTo(CaseStatus.TransferProposed));
        Assert.That(still.Department, Is.EqualTo("drinking-water"));
    }

    [Test]
    public async Task The_receiving_department_sees_the_pending_transfer_by_any_of_its_names_and_approves_it()
    {
        var c = await WaterCaseProposedToEnergy();

        foreach (var name in new[] { c.Name, $"departments/-/cases/{c.Number}", $"departments/energy/cases/{c.Number}" })
        {
            var seen = await _cases.GetCaseAsync(new GetCaseRequest { Name = name }, _host.As(EnergyKey));
            Assert.That(seen.Transfer.ToDepartment, Is.EqualTo("energy"), name);
            Assert.That(seen.Complainant.Phone, Does.Contain("****"), "the energy system has no right to personal data");
        }
        var history = await _cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = c.Name }, _host.As(EnergyKey));
        Assert.That(history.Events.Select(e => e.Type), Does.Contain("TransferProposed"));
        var incoming = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-", PageSize = 1000 }, _host.As(EnergyKey));
        Assert.That(incoming.Cases.Select(x => x.Number), Does.Contain(c.Number), "a department lists the transfers waiting for it");

        var l1 = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveTransferAsync(new DecideRequest
        {
            Name = c.Name, Post = "departments/energy/posts/energy-dehradun-l1",
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(l1!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "L2 or above decides");

        var moved = await _cases.ApproveTransferAsync(new DecideRequest { Name = c.Name, Post = EnergyL2 }, _host.As(EnergyKey));
        Assert.That(moved.Department, Is.EqualTo("energy"));
        Assert.That(moved.AssignedPost.Name, Is.EqualTo("departments/energy/posts/energy-dehradun-l1"));

        var sender = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = moved.Name }, _host.As(WaterKey)).ResponseAsync);
        Assert.That(sender!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "once moved, the case is no longer the sender's");
    }

    [Test]
    public async Task The_receiving_department_may_reject_a_transfer_and_the_case_stays_where_it_was()
    {
        var c = await WaterCaseProposedToEnergy();
        var back = await _cases.RejectTransferAsync(new DecideRequest { Name = c.Name, Post = EnergyL3, Text = "The feeder is fine; check the pump." }, _host.As(EnergyKey));
        Assert.That(back.Department, Is.EqualTo("drinking-water"));
        Assert.That(back.Status, Is.Not.EqualTo(CaseStatus.TransferProposed));
        var gone = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(gone!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
    }

    [TestCase("GetCase")]
    [TestCase("GetCaseHistory")]
    public async Task A_case_of_another_department_and_a_case_that_does_not_exist_answer_alike(string method)
    {
        var water = await _cases.CreateCaseAsync(Requests.NewCase(category: "water-supply"), _host.As(PortalKey));
        var missing = $"UK-{DateTime.UtcNow.Year}-999999";

        async Task<RpcException> Probe(string name) => (await Assert.ThrowsAsync<RpcException>(() => method == "GetCase"
            ? _cases.GetCaseAsync(new GetCaseRequest { Name = name }, _host.As(EnergyKey)).ResponseAsync
            : _cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = name }, _host.As(EnergyKey)).ResponseAsync))!;

        foreach (var parent in new[] { "departments/-", "departments/drinking-water", "departments/energy" })
        {
            var existing = await Probe($"{parent}/cases/{water.Number}");
            var absent = await Probe($"{parent}/cases/{missing}");
            Assert.That(existing.StatusCode, Is.EqualTo(absent.StatusCode), parent);
            Assert.That(Requests.Reason(existing), Is.EqualTo(Requests.Reason(absent)), parent);
            Assert.That(existing.Status.Detail.Replace(water.Number, "N"), Is.EqualTo(absent.Status.Detail.Replace(missing, "N")), parent);
        }
        Assert.That((await Probe($"departments/-/cases/{missing}")).StatusCode, Is.EqualTo(StatusCode.PermissionDenied),
            "a system limited to one department is told 'not yours' for anything else");
        Assert.That((await Probe($"departments/energy/cases/{missing}")).StatusCode, Is.EqualTo(StatusCode.NotFound),
            "inside its own department it is told 'not found'");
    }

    [Test]
    public async Task A_system_may_act_only_as_posts_of_departments_it_may_act_for()
    {
        var energy = await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(PortalKey));
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.AddNoteAsync(new AddNoteRequest
        {
            Name = energy.Name, Text = "Lineman sent.", Post = WaterL1,
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(Requests.Reason(e), Is.EqualTo("POST_NOT_ALLOWED"));
    }

    [Test]
    public async Task The_complainants_name_is_masked_for_systems_without_the_right_to_personal_data()
    {
        var c = await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(PortalKey));
        Assert.That(c.Complainant.Name, Is.EqualTo("Sunita Rawat"), "the portal may read personal data");
        var masked = await _cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, _host.As(EnergyKey));
        Assert.That(masked.Complainant.Name, Is.EqualTo("S***** R****"));
        var listed = await _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/energy", PageSize = 1000 }, _host.As(EnergyKey));
        Assert.That(listed.Cases.Select(x => x.Complainant.Name), Has.None.EqualTo("Sunita Rawat"));
    }

    [Test]
    public async Task A_caller_without_the_right_hears_permission_denied_before_anything_about_its_input()
    {
        var c = await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(PortalKey));
        var note = await Assert.ThrowsAsync<RpcException>(() => _cases.AddNoteAsync(new AddNoteRequest { Name = c.Name, Text = "" }, _host.As(ReadOnlyKey)).ResponseAsync);
        Assert.That(note!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        var feedback = await Assert.ThrowsAsync<RpcException>(() => _cases.RecordFeedbackAsync(new RecordFeedbackRequest { Name = c.Name, Rating = 9 }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(feedback!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        var close = await Assert.ThrowsAsync<RpcException>(() => _cases.ProposeSpecialCloseAsync(new ProposeSpecialCloseRequest { Name = c.Name, Reason = "bogus" }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(close!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
    }

    [Test]
    public async Task Sending_back_by_a_post_below_L4_is_refused_like_an_escalation_by_a_lower_post()
    {
        var c = await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(PortalKey));
        var early = await Assert.ThrowsAsync<RpcException>(() => _cases.SendBackCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL4, Reason = "x" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(early!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition), "the case is not at L4: where it stands");
        await _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL4, Reason = "to L2" }, _host.As(EnergyKey));
        await _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL4, Reason = "to L3" }, _host.As(EnergyKey));
        await _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL4, Reason = "to L4" }, _host.As(EnergyKey));
        var lower = await Assert.ThrowsAsync<RpcException>(() => _cases.SendBackCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL3, Reason = "x" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(lower!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "who acts: a permission");
    }

    [Test]
    public async Task A_megabyte_of_combining_marks_on_one_letter_is_refused_on_its_field()
    {
        var request = Requests.NewCase();
        request.Description = "अ" + new string('\u0301', 500_000);
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.CreateCaseAsync(request, _host.As(PortalKey)).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Requests.Violations(e), Does.ContainKey("description"));
        Assert.That(Requests.Violations(e)["description"], Does.Contain("bytes"));

        var name = Requests.NewCase();
        name.Complainant.Name = string.Concat(Enumerable.Repeat("क" + new string('\u0947', 1000), 200));
        var n = await Assert.ThrowsAsync<RpcException>(() => _cases.CreateCaseAsync(name, _host.As(PortalKey)).ResponseAsync);
        Assert.That(Requests.Violations(n!), Does.ContainKey("complainant.name"));

        var hindi = Requests.NewCase(description: string.Concat(Enumerable.Repeat("हमारे मोहल्ले में तीन दिन से पानी नहीं आ रहा है। ", 100)));
        Assert.That((await _cases.CreateCaseAsync(hindi, _host.As(PortalKey))).Description, Is.EqualTo(hindi.Description), "4,800 letters of real Hindi fit");
    }

    [Test]
    public async Task A_three_thousand_digit_phone_is_invalid_argument_a_default_client_can_read()
    {
        // gRPC C-core clients (Python, Node's native one) refuse trailers past 8 KiB; this channel is as strict.
        using var strict = GrpcChannel.ForAddress($"http://127.0.0.1:{_host.GrpcPort}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { MaxResponseHeadersLength = 8 },
        });
        var cases = new CaseService.CaseServiceClient(strict);
        foreach (var digits in new[] { 3_000, 300_000 })
        {
            var request = Requests.NewCase();
            request.Complainant.Phone = new string('9', digits);
            request.Description = new string('x', 6000);
            request.Complainant.Name = new string('n', 300);
            var e = await Assert.ThrowsAsync<RpcException>(() => cases.CreateCaseAsync(request, _host.As(PortalKey)).ResponseAsync);
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), $"{digits} digits");
            Assert.That(Requests.Violations(e), Does.ContainKey("complainant.phone").And.ContainKey("description").And.ContainKey("complainant.name"));
            Assert.That(e.Status.Detail.Length, Is.LessThan(600));
            Assert.That(Requests.Violations(e)["complainant.phone"].Length, Is.LessThan(200));
        }
    }

    [Test]
    public async Task Impossible_timestamps_are_invalid_argument_on_their_field_never_internal()
    {
        var tooLate = new Timestamp { Seconds = 253_402_300_800 };
        var negativeNanos = new Timestamp { Seconds = 1_700_000_000, Nanos = -1 };
        foreach (var (ts, label) in new[] { (tooLate, "year 10000"), (negativeNanos, "negative nanos") })
        {
            var list = await Assert.ThrowsAsync<RpcException>(() => _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-", CreatedAfter = ts }, _host.As(PortalKey)).ResponseAsync);
            Assert.That(list!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), label);
            Assert.That(Requests.Violations(list), Does.ContainKey("created_after"), label);
            var before = await Assert.ThrowsAsync<RpcException>(() => _cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-", CreatedBefore = ts }, _host.As(PortalKey)).ResponseAsync);
            Assert.That(Requests.Violations(before!), Does.ContainKey("created_before"), label);
        }
        var c = await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), _host.As(PortalKey));
        var interim = await Assert.ThrowsAsync<RpcException>(() => _cases.AddNoteAsync(new AddNoteRequest
        {
            Name = c.Name, Text = "Transformer ordered.", InterimReply = true, ExpectedResolutionTime = new Timestamp { Seconds = -62_135_596_801 },
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(Requests.Violations(interim!), Does.ContainKey("expected_resolution_time"));
    }

    [Test]
    public async Task A_forged_resume_token_from_before_the_window_is_refused()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock), provider: provider);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply"), host.As(PortalKey));
        clock.Advance(TimeSpan.FromDays(8));

        foreach (var (forged, reason) in new[] { ("e1:0", "RESUME_TOKEN_EXPIRED"), ("e1:99999999", "RESUME_TOKEN_UNKNOWN") })
        {
            var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(forged)).TrimEnd('=');
            using var watch = cases.WatchCaseEvents(new WatchCaseEventsRequest { Parent = "departments/-", ResumeToken = token }, host.As(PortalKey));
            var e = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition), forged);
            Assert.That(Requests.Reason(e), Is.EqualTo(reason), forged);
        }
    }

    [Test]
    public async Task The_hod_circular_of_a_department_is_rendered_only_for_systems_of_that_department()
    {
        var circulars = new CircularService.CircularServiceClient(_host.Channel);
        var e = await Assert.ThrowsAsync<RpcException>(() => circulars.RenderRankingCircularAsync(new RenderRankingCircularRequest
        {
            Department = "drinking-water", Language = "en", Format = "html",
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        var own = await circulars.RenderRankingCircularAsync(new RenderRankingCircularRequest { Department = "energy", Language = "en", Format = "html" }, _host.As(EnergyKey));
        Assert.That(own.Content.Length, Is.GreaterThan(0));
    }
}

/// <summary>Guessing API keys: each address has a small budget of failures, then nothing is checked.</summary>
[TestFixture]
public sealed class KeyGuessingTests
{
    [Test]
    public async Task Guessed_keys_spend_the_addresss_budget_after_which_even_a_right_key_waits()
    {
        await using var host = await CaseFlowHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["CaseFlow:Security:FailedAuthenticationBurst"] = "5",
            ["CaseFlow:Security:FailedAuthenticationsPerMinute"] = "1",
        });
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var ok = await cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-" }, host.As(PortalKey));
        Assert.That(ok, Is.Not.Null, "right keys cost nothing");

        var codes = new List<StatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-" }, host.As($"guess-{i}")).ResponseAsync);
            codes.Add(e!.StatusCode);
        }
        Assert.That(codes.Take(5), Is.All.EqualTo(StatusCode.Unauthenticated));
        Assert.That(codes.Skip(5), Is.All.EqualTo(StatusCode.ResourceExhausted));

        var throttled = await Assert.ThrowsAsync<RpcException>(() => cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-" }, host.As(PortalKey)).ResponseAsync);
        Assert.That(throttled!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), "a right guess is not confirmed while the budget is spent");
        Assert.That(Requests.Reason(throttled), Is.EqualTo("AUTHENTICATION_THROTTLED"));
    }
}
