using CaseFlow.Server.Hosting;
using CaseFlow.Api.V1;
using Grpc.Core;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The Chief Secretary's orders held for every caller: closed only with a satisfied complainant, special
/// closes decided above the proposer and reviewed, transfers never closures.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class ClosureTests(DatabaseProvider provider)
{
    private const string EnergyL1 = "departments/energy/posts/energy-dehradun-l1";
    private const string EnergyL2 = "departments/energy/posts/energy-dehradun-l2";
    private const string EnergyL3 = "departments/energy/posts/energy-l3";
    private const string EnergyL4 = "departments/energy/posts/energy-l4";
    private const string HealthL3 = "departments/health/posts/health-l3";

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

    /// <summary>Every closure, reopening, special close, transfer and escalation by hand leaves the case's fold agreeing with its events.</summary>
    [TearDown]
    public async Task Folds_agree() => Assert.That(await CarriedFolds.AssertAgreeWithHistoryAsync(_host), Is.GreaterThan(0));

    private async Task<Api.V1.Case> NewEnergyCase() =>
        await _cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), _host.As(PortalKey));

    private async Task<Api.V1.Case> Resolved()
    {
        var c = await NewEnergyCase();
        return await _cases.ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Resolution = "Supply restored." }, _host.As(EnergyKey));
    }

    [Test]
    public async Task A_satisfied_complainant_closes_the_case()
    {
        var c = await Resolved();
        var closed = await _cases.RecordFeedbackAsync(new RecordFeedbackRequest
        {
            Name = c.Name, Etag = c.Etag, Channel = FeedbackChannel.CallBack, Satisfied = true, Rating = 5, TakenBy = "agent-17",
        }, _host.As(CallCentreKey));

        Assert.That(closed.Status, Is.EqualTo(CaseStatus.Closed));
        Assert.That(closed.Feedback.Satisfied, Is.True);
        Assert.That(closed.Feedback.Rating, Is.EqualTo(5));
        Assert.That(closed.CloseTime, Is.Not.Null);

        // The escalation workflow adds its own events (due time, feedback requests) in the background.
        var history = (await _cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = c.Name }, _host.As(EnergyKey)))
            .Events.Where(e => e.ActorSystem != "workflow").ToList();
        Assert.That(history.Select(e => e.Type), Is.EqualTo(new[] { "Registered", "Resolved", "FeedbackRecorded", "Closed" }));
        Assert.That(history[2].ActorSystem, Is.EqualTo("call-centre"));
        Assert.That(history[2].Text, Does.Contain("agent-17"));
    }

    [Test]
    public async Task A_dissatisfied_complainant_reopens_the_case()
    {
        var c = await Resolved();
        var reopened = await _cases.RecordFeedbackAsync(new RecordFeedbackRequest
        {
            Name = c.Name, Channel = FeedbackChannel.Ivrs, Satisfied = false, Rating = 1, Remark = "Power still cuts every evening",
        }, _host.As(CallCentreKey));

        Assert.That(reopened.Status, Is.EqualTo(CaseStatus.Reopened));
        Assert.That(reopened.ReopenCount, Is.EqualTo(1));
        var again = await _cases.ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Resolution = "Feeder rebuilt." }, _host.As(EnergyKey));
        Assert.That(again.Status, Is.EqualTo(CaseStatus.Resolved), "a reopened case is worked and resolved again");
    }

    [Test]
    public async Task Feedback_is_taken_only_on_a_resolved_case_and_rated_one_to_five()
    {
        var open = await NewEnergyCase();
        var early = await Assert.ThrowsAsync<RpcException>(() => _cases.RecordFeedbackAsync(new RecordFeedbackRequest
        {
            Name = open.Name, Channel = FeedbackChannel.Sms, Satisfied = true,
        }, _host.As(CallCentreKey)).ResponseAsync);
        Assert.That(early!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(early.Status.Detail, Does.Contain("Registered").And.Contain("record feedback"));

        var c = await Resolved();
        var badRating = await Assert.ThrowsAsync<RpcException>(() => _cases.RecordFeedbackAsync(new RecordFeedbackRequest
        {
            Name = c.Name, Channel = FeedbackChannel.Sms, Satisfied = true, Rating = 9,
        }, _host.As(CallCentreKey)).ResponseAsync);
        Assert.That(Requests.Violations(badRating!), Does.ContainKey("rating"));

        var department = await Assert.ThrowsAsync<RpcException>(() => _cases.RecordFeedbackAsync(new RecordFeedbackRequest
        {
            Name = c.Name, Channel = FeedbackChannel.Sms, Satisfied = true,
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(department!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "the department cannot declare its own complainant satisfied");
    }

    [Test]
    public async Task A_special_close_is_proposed_low_decided_high_in_the_same_department_and_reversed_in_review()
    {
        var c = await NewEnergyCase();
        var proposed = await _cases.ProposeSpecialCloseAsync(new ProposeSpecialCloseRequest
        {
            Name = c.Name, Post = EnergyL1, Reason = "sub-judice", Text = "Writ petition 221/2026 pending in the High Court.",
        }, _host.As(EnergyKey));
        Assert.That(proposed.Status, Is.EqualTo(CaseStatus.SpecialCloseProposed));
        Assert.That(proposed.SpecialClose.ProposedBy, Is.EqualTo(EnergyL1));

        var self = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveSpecialCloseAsync(new DecideRequest { Name = c.Name, Post = EnergyL1 }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(self!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "the proposer cannot approve");
        var l2 = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveSpecialCloseAsync(new DecideRequest { Name = c.Name, Post = EnergyL2 }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(l2!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "L2 cannot approve");
        var otherDepartment = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveSpecialCloseAsync(new DecideRequest { Name = c.Name, Post = HealthL3 }, _host.As(StateMisKey)).ResponseAsync);
        Assert.That(otherDepartment!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "another department's L3 cannot approve");

        var approved = await _cases.ApproveSpecialCloseAsync(new DecideRequest { Name = c.Name, Post = EnergyL3, Text = "Verified with the court record." }, _host.As(EnergyKey));
        Assert.That(approved.Status, Is.EqualTo(CaseStatus.SpecialClosed));
        Assert.That(approved.SpecialClose.Review, Is.EqualTo(ReviewState.Pending), "every approved special close is reviewed by default");

        var queue = await _cases.ListSpecialCloseReviewsAsync(new ListSpecialCloseReviewsRequest { Parent = "departments/energy" }, _host.As(AdminKey));
        Assert.That(queue.Cases.Select(q => q.Number), Does.Contain(c.Number));

        var byDepartment = await Assert.ThrowsAsync<RpcException>(() => _cases.ReverseSpecialCloseAsync(new DecideRequest { Name = c.Name, Text = "x" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(byDepartment!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "the department does not review its own closes");

        var reversed = await _cases.ReverseSpecialCloseAsync(new DecideRequest { Name = c.Name, Text = "The petition concerns a different feeder; act on the complaint." }, _host.As(AdminKey));
        Assert.That(reversed.Status, Is.EqualTo(CaseStatus.Reopened));
        Assert.That(reversed.SpecialClose.Review, Is.EqualTo(ReviewState.Reversed));
        Assert.That(reversed.Level, Is.EqualTo(Level.L1), "reopened at its level");
        var after = await _cases.ListSpecialCloseReviewsAsync(new ListSpecialCloseReviewsRequest { Parent = "departments/-" }, _host.As(AdminKey));
        Assert.That(after.Cases.Select(q => q.Number), Does.Not.Contain(c.Number));
    }

    [Test]
    public async Task A_special_close_needs_a_reason_from_the_controlled_list()
    {
        var c = await NewEnergyCase();
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.ProposeSpecialCloseAsync(new ProposeSpecialCloseRequest
        {
            Name = c.Name, Post = EnergyL1, Reason = "too-busy", Text = "x",
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(Requests.Violations(e!), Does.ContainKey("reason"));
        Assert.That(Requests.Violations(e!)["reason"], Does.Contain("sub-judice"));

        var noPost = await Assert.ThrowsAsync<RpcException>(() => _cases.ProposeSpecialCloseAsync(new ProposeSpecialCloseRequest
        {
            Name = c.Name, Reason = "duplicate", Text = "x",
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(Requests.Violations(noPost!), Does.ContainKey("post"));

        var reasons = await new DirectoryService.DirectoryServiceClient(_host.Channel).ListSpecialCloseReasonsAsync(new ListSpecialCloseReasonsRequest(), _host.As(EnergyKey));
        Assert.That(reasons.Reasons.Select(r => r.Code), Is.SupersetOf(new[] { "policy-matter", "sub-judice", "outside-jurisdiction", "duplicate" }));
        Assert.That(reasons.Reasons.Select(r => r.DisplayNameHi), Has.All.Not.Empty);
    }

    [Test]
    public async Task A_rejected_special_close_goes_back_to_work()
    {
        var c = await NewEnergyCase();
        await _cases.AddNoteAsync(new AddNoteRequest { Name = c.Name, Text = "Site inspected." }, _host.As(EnergyKey));
        await _cases.ProposeSpecialCloseAsync(new ProposeSpecialCloseRequest { Name = c.Name, Post = EnergyL2, Reason = "policy-matter", Text = "Needs a tariff change." }, _host.As(EnergyKey));
        var rejected = await _cases.RejectSpecialCloseAsync(new DecideRequest { Name = c.Name, Post = EnergyL4, Text = "Fix the meter; no policy question." }, _host.As(EnergyKey));
        Assert.That(rejected.Status, Is.EqualTo(CaseStatus.InProgress));
    }

    [Test]
    public async Task Force_close_is_off_by_default()
    {
        var c = await NewEnergyCase();
        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.ForceCloseCaseAsync(new ForceCloseCaseRequest
        {
            Name = c.Name, Post = EnergyL4, Notice = "SMS sent on 12 Nov",
        }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(Requests.Reason(e), Is.EqualTo("FORCE_CLOSE_DISABLED"));
    }

    [Test]
    public async Task A_transfer_is_decided_by_the_receiving_department_and_restarts_at_its_L1()
    {
        var c = await NewEnergyCase();
        var proposed = await _cases.ProposeTransferAsync(new ProposeTransferRequest
        {
            Name = c.Name, Post = EnergyL1, ToDepartment = "drinking-water", Reason = "The complaint is about a Jal Sansthan pump's supply, not the grid.",
        }, _host.As(EnergyKey));
        Assert.That(proposed.Status, Is.EqualTo(CaseStatus.TransferProposed));
        Assert.That(proposed.Transfer.ToDepartment, Is.EqualTo("drinking-water"));

        var receivingL1 = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveTransferAsync(new DecideRequest
        {
            Name = $"departments/-/cases/{c.Number}", Post = "departments/drinking-water/posts/drinking-water-dehradun-l1",
        }, _host.As(WaterKey)).ResponseAsync);
        Assert.That(receivingL1!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "L1 of the receiving department cannot accept");
        var sender = await Assert.ThrowsAsync<RpcException>(() => _cases.ApproveTransferAsync(new DecideRequest { Name = c.Name, Post = EnergyL3 }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(sender!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "the sending department cannot accept for the receiver");

        var moved = await _cases.ApproveTransferAsync(new DecideRequest
        {
            Name = $"departments/-/cases/{c.Number}", Post = "departments/drinking-water/posts/drinking-water-dehradun-l2",
        }, _host.As(WaterKey));
        Assert.That(moved.Department, Is.EqualTo("drinking-water"));
        Assert.That(moved.Name, Is.EqualTo($"departments/drinking-water/cases/{c.Number}"));
        Assert.That(moved.Level, Is.EqualTo(Level.L1));
        Assert.That(moved.AssignedPost.Name, Is.EqualTo("departments/drinking-water/posts/drinking-water-dehradun-l1"));
        Assert.That(moved.Status, Is.EqualTo(CaseStatus.Registered), "a transfer is never a closure");

        var gone = await Assert.ThrowsAsync<RpcException>(() => _cases.GetCaseAsync(new GetCaseRequest { Name = $"departments/-/cases/{c.Number}" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(gone!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
    }

    [Test]
    public async Task A_rejected_transfer_stays_with_the_department()
    {
        var c = await NewEnergyCase();
        await _cases.ProposeTransferAsync(new ProposeTransferRequest { Name = c.Name, ToDepartment = "public-works", Reason = "Pole on PWD land" }, _host.As(EnergyKey));
        var back = await _cases.RejectTransferAsync(new DecideRequest { Name = c.Name, Text = "The pole is UPCL's." }, _host.As(AdminKey));
        Assert.That(back.Department, Is.EqualTo("energy"));
        Assert.That(back.Status, Is.EqualTo(CaseStatus.Registered));
        Assert.That(back.Transfer, Is.Null);
    }

    [Test]
    public async Task Manual_escalation_climbs_one_level_and_L4_can_send_back_to_L3()
    {
        var c = await NewEnergyCase();
        var up = await _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL1, Reason = "Needs a new transformer: beyond the JE's powers." }, _host.As(EnergyKey));
        Assert.That(up.Level, Is.EqualTo(Level.L2));
        Assert.That(up.AssignedPost.Name, Is.EqualTo(EnergyL2));

        var below = await Assert.ThrowsAsync<RpcException>(() => _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL1, Reason = "again" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(below!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "only the current level or above escalates");
        var early = await Assert.ThrowsAsync<RpcException>(() => _cases.SendBackCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL4, Reason = "x" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(early!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));

        await _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL2, Reason = "Budget needed" }, _host.As(EnergyKey));
        var l4 = await _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL3, Reason = "Secretary's sanction" }, _host.As(EnergyKey));
        Assert.That(l4.Level, Is.EqualTo(Level.L4));
        var top = await Assert.ThrowsAsync<RpcException>(() => _cases.EscalateCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL4, Reason = "x" }, _host.As(EnergyKey)).ResponseAsync);
        Assert.That(Requests.Reason(top!), Is.EqualTo("ALREADY_AT_TOP"));

        var back = await _cases.SendBackCaseAsync(new EscalateCaseRequest { Name = c.Name, Post = EnergyL4, Reason = "Sanctioned; HoD to execute." }, _host.As(EnergyKey));
        Assert.That(back.Level, Is.EqualTo(Level.L3));
        Assert.That(back.AssignedPost.Name, Is.EqualTo(EnergyL3));
    }

    [Test]
    public async Task Two_concurrent_resolutions_with_one_etag_give_one_OK_and_one_ABORTED()
    {
        var c = await NewEnergyCase();
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            try
            {
                await _cases.ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Etag = c.Etag, Resolution = $"Resolution {i}" }, _host.As(EnergyKey));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));
        Assert.That(results, Is.EquivalentTo(new[] { StatusCode.OK, StatusCode.Aborted }));
        var history = await _cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = c.Name }, _host.As(EnergyKey));
        Assert.That(history.Events.Count(e => e.Type == "Resolved"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_repeated_feedback_request_id_records_the_answer_once()
    {
        var c = await Resolved();
        var request = new RecordFeedbackRequest { Name = c.Name, RequestId = "ivrs-" + Guid.NewGuid(), Channel = FeedbackChannel.Ivrs, Satisfied = false };
        await _cases.RecordFeedbackAsync(request, _host.As(CallCentreKey));
        var repeat = await _cases.RecordFeedbackAsync(request, _host.As(CallCentreKey));

        Assert.That(repeat.ReopenCount, Is.EqualTo(1));
        var history = await _cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = c.Name }, _host.As(EnergyKey));
        Assert.That(history.Events.Count(e => e.Type == "FeedbackRecorded"), Is.EqualTo(1));
    }

    [Test]
    public async Task More_than_ten_complaints_a_day_from_one_phone_are_refused()
    {
        var phone = Requests.RandomMobile();
        for (var i = 0; i < 10; i++)
            await _cases.CreateCaseAsync(Requests.NewCase(category: "sanitation", phone: phone), _host.As(CallCentreKey));

        var e = await Assert.ThrowsAsync<RpcException>(() => _cases.CreateCaseAsync(Requests.NewCase(category: "sanitation", phone: phone), _host.As(CallCentreKey)).ResponseAsync);

        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(e.Status.Detail, Does.Contain("10"));
        Assert.That(Requests.Reason(e), Is.EqualTo("DAILY_COMPLAINT_CAP"));
        await Assert.DoesNotThrowAsync(() => _cases.CreateCaseAsync(Requests.NewCase(category: "sanitation"), _host.As(CallCentreKey)).ResponseAsync, "other numbers are unaffected");
    }

    [Test]
    public async Task A_habitual_complainants_cases_are_marked_old_and_new()
    {
        var phone = Requests.RandomMobile();
        var old = await _cases.CreateCaseAsync(Requests.NewCase(category: "sanitation", phone: phone), _host.As(CallCentreKey));

        var flagged = await _cases.FlagHabitualComplainantAsync(new FlagHabitualComplainantRequest { Phone = phone, Reason = "Same complaint 40 times in March" }, _host.As(AdminKey));
        var fresh = await _cases.CreateCaseAsync(Requests.NewCase(category: "sanitation", phone: phone), _host.As(CallCentreKey));

        Assert.That(flagged.CasesMarked, Is.EqualTo(1));
        Assert.That((await _cases.GetCaseAsync(new GetCaseRequest { Name = old.Name }, _host.As(PortalKey))).Habitual, Is.True);
        Assert.That(fresh.Habitual, Is.True);
        var denied = await Assert.ThrowsAsync<RpcException>(() => _cases.FlagHabitualComplainantAsync(new FlagHabitualComplainantRequest { Phone = phone, Reason = "x" }, _host.As(PortalKey)).ResponseAsync);
        Assert.That(denied!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
    }
}
