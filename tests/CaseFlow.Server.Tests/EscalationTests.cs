using CaseFlow.Server.Hosting;
using CaseFlow.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// case-escalation.json driving real cases on the real server, with business time moved by a fake clock.
/// Due times are hand-computed on the Uttarakhand calendar: Sundays, second Saturdays and the
/// gazetted holidays of November 2026 (Diwali 8th, Govardhan 10th, Bhai Dooj 11th, Igas 20th, Guru Nanak 24th).
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class EscalationTests(DatabaseProvider provider)
{
    // Friday 6 November 2026, 10:00 IST.
    private static readonly DateTimeOffset Registered = new(2026, 11, 6, 4, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset Ist(int month, int day, int hour = 10, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromMinutes(330)).ToUniversalTime();

    /// <param name="sameDataAs">A host whose data folder and database this one shares: a restart, or a second replica.</param>
    private async Task<(CaseFlowHost Host, FakeTimeProvider Clock)> StartAsync(CaseFlowHost? sameDataAs = null, FakeTimeProvider? clock = null)
    {
        clock ??= new FakeTimeProvider(Registered);
        var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock), sameDataAs?.DataDirectory,
            new Dictionary<string, string?> { ["CaseFlow:Workflows:TimerPoll"] = "00:00:01" }, provider, sameDataAs?.Database);
        return (host, clock);
    }

    private static Task<Api.V1.Case> Get(CaseFlowHost host, string name) =>
        new CaseService.CaseServiceClient(host.Channel).GetCaseAsync(new GetCaseRequest { Name = name }, host.As(PortalKey)).ResponseAsync;

    private static Task<Api.V1.Case> WaitFor(CaseFlowHost host, string name, Func<Api.V1.Case, bool> done, string what) =>
        Eventually.Until(() => Get(host, name), done, what);

    private static async Task<string[]> History(CaseFlowHost host, string name) =>
        (await new CaseService.CaseServiceClient(host.Channel).GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = name }, host.As(PortalKey)))
        .Events.Select(e => e.Type).ToArray();

    /// <summary>A case registered on the 6th and resolved on Monday the 9th at 10:00, once the complainant has been asked.</summary>
    private static async Task<Api.V1.Case> RegisterAndResolveOnThe9th(CaseFlowHost host, FakeTimeProvider clock)
    {
        var c = await Register(host);
        clock.SetUtcNow(Ist(11, 9));
        await new CaseService.CaseServiceClient(host.Channel).ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Resolution = "Line repaired." }, host.As(EnergyKey));
        await Eventually.Until(() => History(host, c.Name), h => h.Contains("FeedbackRequested"), "the feedback request");
        return c;
    }

    private static async Task<Api.V1.Case> Register(CaseFlowHost host, string category = "power-supply")
    {
        var c = await new CaseService.CaseServiceClient(host.Channel).CreateCaseAsync(Requests.NewCase(category: category, district: "dehradun"), host.As(PortalKey));
        return await WaitFor(host, c.Name, x => x.DueTime is not null, "the L1 due time");
    }

    [Test]
    public async Task A_case_is_never_without_its_clock_the_answer_to_each_change_already_carries_the_new_due_time()
    {
        var (host, clock) = await StartAsync();
        await using var _ = host;
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var c = await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), host.As(PortalKey));
        Assert.That(c.DueTime?.ToDateTimeOffset(), Is.EqualTo(Ist(11, 18)), "CreateCase returns the L1 due time: the workflow's first step committed with the case");
        Assert.That((await History(host, c.Name)), Is.EqualTo(new[] { "Registered", "DueTimeSet" }));

        clock.SetUtcNow(Ist(11, 9));
        var resolved = await cases.ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Resolution = "Line repaired." }, host.As(EnergyKey));
        Assert.That(resolved.Status, Is.EqualTo(CaseStatus.Resolved));
        Assert.That(await History(host, c.Name), Does.Contain("FeedbackRequested"), "the workflow asked for feedback in the same commit");

        var reopened = await cases.RecordFeedbackAsync(new RecordFeedbackRequest
        {
            Name = c.Name, Channel = FeedbackChannel.CallBack, Satisfied = false,
        }, host.As(CallCentreKey));
        Assert.That(reopened.Status, Is.EqualTo(CaseStatus.Reopened));
        // From Monday the 9th: Govardhan (10th), Bhai Dooj (11th), the second Saturday (14th), Sunday and Igas (20th) are off,
        // so the seven working days are the 12th, 13th, 16th-19th and Saturday the 21st.
        Assert.That(reopened.DueTime?.ToDateTimeOffset(), Is.EqualTo(Ist(11, 21)), "a fresh 7-working-day limit from the 9th, in the answer itself");

        var transfer = await cases.ProposeTransferAsync(new ProposeTransferRequest
        {
            Name = c.Name, ToDepartment = "drinking-water", Reason = "The pump is Jal Sansthan's.", Post = "departments/energy/posts/energy-dehradun-l1",
        }, host.As(EnergyKey));
        Assert.That(transfer.DueTime, Is.Null, "the clock stops while a transfer is pending");
        var moved = await cases.ApproveTransferAsync(new DecideRequest
        {
            Name = c.Name, Post = "departments/drinking-water/posts/drinking-water-dehradun-l2",
        }, host.As(WaterKey));
        Assert.That(moved.Department, Is.EqualTo("drinking-water"));
        Assert.That(moved.DueTime?.ToDateTimeOffset(), Is.EqualTo(Ist(11, 21)), "the receiving department's L1 limit starts with the approval");
    }

    [Test]
    public async Task A_definition_counts_the_instances_still_going_and_a_case_names_its_newest_instance()
    {
        var (host, _) = await StartAsync();
        await using var _h = host;
        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        async Task<int> Running() =>
            (await workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, host.As(AdminKey))).RunningInstances;
        Assert.That(await Running(), Is.Zero);

        var cases = new[] { await Register(host), await Register(host), await Register(host) };
        Assert.That(await Running(), Is.EqualTo(3), "each open case's workflow waits on its SLA timer");
        Assert.That(cases.Select(c => c.WorkflowInstance).Distinct().Count(), Is.EqualTo(3));

        await workflows.CancelWorkflowInstanceAsync(new CancelWorkflowInstanceRequest { Id = cases[0].WorkflowInstance, Reason = "test" }, host.As(AdminKey));
        Assert.That(await Running(), Is.EqualTo(2), "a cancelled instance no longer counts");
        var list = await workflows.ListWorkflowDefinitionsAsync(new ListWorkflowDefinitionsRequest(), host.As(AdminKey));
        Assert.That(list.Definitions.Single(d => d.DefinitionId == "case-escalation").RunningInstances, Is.EqualTo(2), "the list counts the same way");
        Assert.That((await Get(host, cases[1].Name)).WorkflowInstance, Is.EqualTo(cases[1].WorkflowInstance));
    }

    [Test]
    public async Task A_case_that_missed_its_L1_limit_is_on_the_HoD_overdue_list_after_escalation_gave_it_a_fresh_limit()
    {
        var (host, clock) = await StartAsync();
        await using var _h = host;
        var missed = await Register(host);
        var onTime = await Register(host);
        var circulars = new CircularService.CircularServiceClient(host.Channel);
        async Task<string> HodLetter() => (await circulars.RenderRankingCircularAsync(
            new RenderRankingCircularRequest { Language = "en", Format = "html", Department = "energy" }, host.As(EnergyKey))).Content.ToStringUtf8();
        Assert.That(await HodLetter(), Does.Not.Contain(missed.Number), "nothing is overdue yet");

        // The other case is resolved in time: it waits for the complainant with its (stale) due time, which no longer runs.
        await new CaseService.CaseServiceClient(host.Channel).ResolveCaseAsync(new ResolveCaseRequest { Name = onTime.Name, Resolution = "Done." }, host.As(EnergyKey));
        // The L1 limit (18th, 10:00) runs out; the case escalates to L2 with a limit of the 26th, so its due time is in the future.
        clock.SetUtcNow(Ist(11, 18, 10, 0));
        var l2 = await WaitFor(host, missed.Name, x => x.Level == Level.L2, "escalation to L2");
        Assert.That(l2.DueTime.ToDateTimeOffset(), Is.GreaterThan(clock.GetUtcNow()));

        clock.SetUtcNow(Ist(11, 20, 10, 0));
        var letter = await HodLetter();
        Assert.That(letter, Does.Contain(missed.Number), "missing a limit makes a case overdue, whatever its fresh due time");
        Assert.That(letter, Does.Contain("18-11-2026"), "due on: the first limit it missed");
        Assert.That(letter, Does.Not.Contain(onTime.Number), "a case resolved within its limit is not overdue, though its old due time has passed");
    }

    [Test]
    public async Task A_case_that_breached_each_level_is_on_the_HoD_list_at_its_level_with_the_post_that_holds_it_until_disposed()
    {
        var (host, clock) = await StartAsync();
        await using var _h = host;
        var c = await Register(host);
        var circulars = new CircularService.CircularServiceClient(host.Channel);
        async Task<string?> Row()
        {
            var html = (await circulars.RenderRankingCircularAsync(
                new RenderRankingCircularRequest { Language = "en", Format = "html", Department = "energy" }, host.As(EnergyKey))).Content.ToStringUtf8();
            return html.Split('\n').SingleOrDefault(l => l.Contains($"<td>{c.Number}</td>", StringComparison.Ordinal));
        }
        Assert.That(await Row(), Is.Null, "not overdue before its first limit");

        var expected = new (Level Level, string Post)[] { (Level.L2, "energy-dehradun-l2"), (Level.L3, "energy-l3"), (Level.L4, "energy-l4") };
        var directory = host.Services.GetRequiredService<CaseFlow.Core.Directory.IDirectoryProvider>().Current;
        foreach (var (level, post) in expected)
        {
            var current = await Get(host, c.Name);
            clock.SetUtcNow(current.DueTime.ToDateTimeOffset());
            await WaitFor(host, c.Name, x => x.Level == level, $"escalation to {level}");
            var row = await Row();
            Assert.That(row, Is.Not.Null, $"overdue after missing its limit below {level}");
            Assert.That(row, Does.Contain($"<td>L{(int)level}</td>"), "listed at the level it is at now");
            Assert.That(row, Does.Contain(System.Net.WebUtility.HtmlEncode(directory.FindPost(post)!.Designation)), "with the post that holds it");
            Assert.That(row, Does.Contain("18-11-2026"), "overdue since the first limit it missed");
        }

        // Resolved, it still waits for the complainant: not disposed, still listed. Satisfied, it leaves the list.
        var resolved = await new CaseService.CaseServiceClient(host.Channel).ResolveCaseAsync(new ResolveCaseRequest { Name = c.Name, Resolution = "Done." }, host.As(EnergyKey));
        Assert.That(await Row(), Is.Not.Null, "resolved and awaiting confirmation is not disposed");
        await new CaseService.CaseServiceClient(host.Channel).RecordFeedbackAsync(new RecordFeedbackRequest
        {
            Name = c.Name, Etag = resolved.Etag, Channel = FeedbackChannel.CallBack, Satisfied = true, Rating = 5, TakenBy = "agent-17",
        }, host.As(CallCentreKey));
        Assert.That(await Row(), Is.Null, "closed with a satisfied complainant: no longer overdue");
    }

    [Test]
    public async Task A_case_climbs_L1_to_L4_at_its_working_day_due_times_with_a_warning_before_each_breach()
    {
        var (host, clock) = await StartAsync();
        await using var _ = host;
        var c = await Register(host);
        Assert.That(c.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 18)), "7 working days, skipping Diwali Sunday, Govardhan, Bhai Dooj and the second Saturday");
        Assert.That(c.WarningTime, Is.Null);
        var instance = await new WorkflowService.WorkflowServiceClient(host.Channel).GetWorkflowInstanceAsync(
            new GetWorkflowInstanceRequest { Id = c.WorkflowInstance }, host.As(AdminKey));
        Assert.That(instance.CorrelationId, Is.EqualTo(c.Number));
        Assert.That(instance.DefinitionId, Is.EqualTo("case-escalation"));
        Assert.That(instance.Waits.Where(w => w.Kind == "Timer").Select(w => (w.ActivityId, w.DueTime.ToDateTimeOffset())),
            Does.Contain(("slaL1", Ist(11, 18))), "the breach timer is a row with the due time");
        Assert.That(instance.Journal.Select(j => j.ActivityId), Does.Contain("start").And.Contain("slaL1"));

        clock.SetUtcNow(Ist(11, 15, 9, 59));
        await Task.Delay(300);
        Assert.That((await Get(host, c.Name)).WarningTime, Is.Null, "no warning before 75 % of the limit");
        clock.SetUtcNow(Ist(11, 15, 10, 1));
        await WaitFor(host, c.Name, x => x.WarningTime is not null, "the L1 warning");

        clock.SetUtcNow(Ist(11, 18, 9, 59));
        await Task.Delay(300);
        Assert.That((await Get(host, c.Name)).Level, Is.EqualTo(Level.L1), "not a minute early");
        clock.SetUtcNow(Ist(11, 18, 10, 0));
        var l2 = await WaitFor(host, c.Name, x => x.Level == Level.L2 && x.DueTime.ToDateTimeOffset() > Ist(11, 18), "escalation to L2");
        Assert.That(l2.AssignedPost.Name, Is.EqualTo("departments/energy/posts/energy-dehradun-l2"));
        Assert.That(l2.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 26)), "5 working days, skipping Igas, Sunday and Guru Nanak Jayanti");
        Assert.That(l2.WarningTime, Is.Null, "the warning is per level");

        clock.SetUtcNow(Ist(11, 26));
        var l3 = await WaitFor(host, c.Name, x => x.Level == Level.L3 && x.DueTime.ToDateTimeOffset() > Ist(11, 26), "escalation to L3");
        Assert.That(l3.AssignedPost.Name, Is.EqualTo("departments/energy/posts/energy-l3"), "L3 is the Head of Department");
        Assert.That(l3.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(12, 2)));

        clock.SetUtcNow(Ist(12, 2));
        var l4 = await WaitFor(host, c.Name, x => x.Level == Level.L4 && x.DueTime.ToDateTimeOffset() > Ist(12, 2), "escalation to L4");
        Assert.That(l4.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(12, 8)), "the first Saturday is a working day");

        clock.SetUtcNow(Ist(12, 8));
        var flagged = await WaitFor(host, c.Name, x => x.ChiefSecretaryReview, "the Chief Secretary's review flag");
        Assert.That(flagged.Level, Is.EqualTo(Level.L4));

        var history = await History(host, c.Name);
        Assert.That(history.Count(t => t == "Escalated"), Is.EqualTo(3));
        Assert.That(history.Count(t => t == "WarningRaised"), Is.GreaterThanOrEqualTo(4));
        Assert.That(history.Count(t => t == "LimitBreached"), Is.GreaterThanOrEqualTo(4));
        Assert.That(history, Does.Contain("NotificationSent"), "the HoD is told when a case reaches L3");
        var notice = (await new CaseService.CaseServiceClient(host.Channel).GetCaseHistoryAsync(new GetCaseHistoryRequest { Name = c.Name }, host.As(PortalKey)))
            .Events.Single(e => e.Type == "NotificationSent").Text;
        Assert.That(notice, Does.Contain($"Complaint {c.Number} (").And.Contain("Dehradun").And.Not.Contain("{"), "the message's placeholders are filled from the case");
        Assert.That(await CarriedFolds.AssertAgreeWithHistoryAsync(host), Is.GreaterThan(0));
    }

    [Test]
    public async Task A_case_resolved_in_time_stops_escalating_and_the_complainant_is_asked_and_asked_again()
    {
        var (host, clock) = await StartAsync();
        await using var _ = host;
        var c = await RegisterAndResolveOnThe9th(host, clock);

        // Asked on the 9th, again three days later, and again three days after that.
        clock.SetUtcNow(Ist(11, 12));
        await Eventually.Until(() => History(host, c.Name), h => h.Count(t => t == "FeedbackRequested") == 2, "the first follow-up");
        clock.SetUtcNow(Ist(11, 15));
        await Eventually.Until(() => History(host, c.Name), h => h.Count(t => t == "FeedbackRequested") == 3, "the second follow-up");
        clock.SetUtcNow(Ist(11, 25));
        var unanswered = await WaitFor(host, c.Name, x => x.Feedback?.Unanswered == true, "feedback marked unanswered");

        Assert.That(unanswered.Level, Is.EqualTo(Level.L1), "a resolved case does not escalate");
        Assert.That(unanswered.Status, Is.EqualTo(CaseStatus.Resolved), "never closed silently");
        Assert.That(await History(host, c.Name), Does.Not.Contain("Escalated"));
        Assert.That(await CarriedFolds.AssertAgreeWithHistoryAsync(host), Is.GreaterThan(0));
    }

    [Test]
    public async Task Not_satisfied_reopens_the_case_with_a_fresh_limit_at_its_level()
    {
        var (host, clock) = await StartAsync();
        await using var _ = host;
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var c = await RegisterAndResolveOnThe9th(host, clock);

        clock.SetUtcNow(Ist(11, 12, 11));
        await cases.RecordFeedbackAsync(new RecordFeedbackRequest { Name = c.Name, Channel = FeedbackChannel.CallBack, Satisfied = false }, host.As(CallCentreKey));
        // Thursday 12 Nov 11:00 + 7 working days: 13, 16, 17, 18, 19, 21 (third Saturday), 23 (Igas on the 20th).
        var reopened = await WaitFor(host, c.Name, x => x.DueTime.ToDateTimeOffset() == Ist(11, 23, 11), "a fresh L1 due time");
        Assert.That(reopened.Status, Is.EqualTo(CaseStatus.Reopened));
        Assert.That(reopened.Level, Is.EqualTo(Level.L1));
        Assert.That(await CarriedFolds.AssertAgreeWithHistoryAsync(host), Is.GreaterThan(0));
    }

    [Test]
    public async Task A_new_published_version_applies_to_new_cases_while_running_cases_keep_their_limits()
    {
        var (host, clock) = await StartAsync();
        await using var _ = host;
        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var before = await Register(host);

        var current = await workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, host.As(AdminKey));
        // The first SLA timer is L1's: change its limit from 7 to 3 working days.
        var edited = new System.Text.RegularExpressions.Regex("(\"workingDays\":\\s*\\{[^}]*\"expression\":\\s*\\{[^}]*\"value\":\\s*)\"7\"")
            .Replace(current.Json, "$1\"3\"", 1);
        Assert.That(edited, Is.Not.EqualTo(current.Json), "the L1 limit literal was found");
        var draft = await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = edited }, host.As(AdminKey));
        Assert.That(draft.Definition.Version, Is.EqualTo(2));
        var tooLong = await Assert.ThrowsAsync<RpcException>(async () => await workflows.PublishWorkflowDefinitionAsync(
            new PublishWorkflowDefinitionRequest { DefinitionId = "case-escalation", Version = 2, Note = new string('x', 501) }, host.As(AdminKey)));
        Assert.That(tooLong!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(tooLong.Status.Detail, Does.Contain("note"));
        await workflows.PublishWorkflowDefinitionAsync(new PublishWorkflowDefinitionRequest { DefinitionId = "case-escalation", Version = 2, Note = "L1 cut to 3 working days." },
            host.As(AdminKey));
        var v2 = (await workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = "case-escalation" }, host.As(AdminKey)))
            .Definitions.Single(d => d.Version == 2);
        Assert.That((v2.PublishedBy, v2.Note), Is.EqualTo(("itda-admin", "L1 cut to 3 working days.")), "who published it and why, kept with the version");

        var after = await Register(host);
        Assert.That(after.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 12)), "3 working days: 7th, 9th, 12th");
        Assert.That(before.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 18)));

        clock.SetUtcNow(Ist(11, 12));
        await WaitFor(host, after.Name, x => x.Level == Level.L2, "the new case escalating on the new limit");
        Assert.That((await Get(host, before.Name)).Level, Is.EqualTo(Level.L1), "the old case keeps the old limit");
    }

    [Test]
    public async Task Timers_that_fell_due_while_the_server_was_down_fire_once_on_start()
    {
        var clock = new FakeTimeProvider(Registered);
        var (host, _) = await StartAsync(clock: clock);
        await using var _ = host;
        var c = await Register(host);
        await host.StopAsync();

        clock.SetUtcNow(Ist(11, 19));
        var (restarted, _) = await StartAsync(host, clock);
        await using var __ = restarted;
        var l2 = await WaitFor(restarted, c.Name, x => x.Level == Level.L2, "the overdue escalation");
        await Task.Delay(500);
        Assert.That((await History(restarted, c.Name)).Count(t => t == "Escalated"), Is.EqualTo(1));
        Assert.That(l2.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 27, 10, 0)), "L2's limit counts from when the breach was handled");
    }

    [Test]
    public async Task Two_servers_over_one_database_never_escalate_a_case_twice()
    {
        var clock = new FakeTimeProvider(Registered);
        var (a, _) = await StartAsync(clock: clock);
        await using var __ = a;
        var (b, _) = await StartAsync(a, clock);
        await using var ___ = b;
        var cases = new List<Api.V1.Case>();
        for (var i = 0; i < 20; i++)
            cases.Add(await Register(i % 2 == 0 ? a : b));

        clock.SetUtcNow(Ist(11, 18));
        foreach (var c in cases)
            await WaitFor(a, c.Name, x => x.Level == Level.L2, "escalation to L2");
        await Task.Delay(1000);
        foreach (var c in cases)
            Assert.That((await History(b, c.Name)).Count(t => t == "Escalated"), Is.EqualTo(1), c.Number);
    }

    [Test]
    public async Task An_urgent_category_runs_on_hours_around_the_clock()
    {
        var (host, clock) = await StartAsync();
        await using var _ = host;
        var c = await Register(host, category: "water-quality");
        Assert.That(c.DueTime.ToDateTimeOffset(), Is.EqualTo(Registered.AddHours(6)));
        clock.Advance(TimeSpan.FromHours(6));
        await WaitFor(host, c.Name, x => x.Level == Level.L2, "escalation after six hours");
    }

    [Test]
    public async Task Publishing_a_broken_definition_is_refused_naming_the_activity_and_the_version_in_force_keeps_running()
    {
        var (host, _) = await StartAsync();
        await using var __ = host;
        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var current = await workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "urgent-escalation" }, host.As(AdminKey));
        var ambiguous = current.Json.Replace("\"0.06:00:00\"", "\"72:00:00\"");
        await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = ambiguous }, host.As(AdminKey));

        var e = await Assert.ThrowsAsync<RpcException>(() => workflows.PublishWorkflowDefinitionAsync(
            new PublishWorkflowDefinitionRequest { DefinitionId = "urgent-escalation" }, host.As(AdminKey)).ResponseAsync);

        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(Requests.Violations(e), Does.ContainKey("activities[slaL1]"));
        Assert.That(Requests.Violations(e)["activities[slaL1]"], Does.Contain("3.00:00:00"));
        var c = await Register(host, category: "water-quality");
        Assert.That(c.DueTime.ToDateTimeOffset() - Registered, Is.EqualTo(TimeSpan.FromHours(6)), "version 1 stays in force");

        var cron = File.ReadAllText(Path.Combine(TestPaths.SharedDirectory, "elsa-samples", "bad-cron-expression.json"));
        var saved = await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = cron }, host.As(AdminKey));
        var refused = await Assert.ThrowsAsync<RpcException>(() => workflows.PublishWorkflowDefinitionAsync(
            new PublishWorkflowDefinitionRequest { DefinitionId = saved.Definition.DefinitionId }, host.As(AdminKey)).ResponseAsync);
        Assert.That(refused!.Status.Detail, Does.Contain("BadCronExpression"));
    }

    [Test]
    public async Task A_special_close_stops_the_clock_and_a_reversal_restarts_it_where_it_stood()
    {
        var (host, clock) = await StartAsync();
        await using var _ = host;
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var c = await Register(host);
        var energyL1 = "departments/energy/posts/energy-dehradun-l1";

        // Proposed on Monday the 16th at 10:00, two days before the L1 limit (18th, 10:00).
        clock.SetUtcNow(Ist(11, 16));
        await cases.ProposeSpecialCloseAsync(new ProposeSpecialCloseRequest { Name = c.Name, Post = energyL1, Reason = "sub-judice", Text = "Writ pending" }, host.As(EnergyKey));
        await cases.ApproveSpecialCloseAsync(new DecideRequest { Name = c.Name, Post = "departments/energy/posts/energy-l3" }, host.As(EnergyKey));

        // A month in review: the limit must not run out meanwhile.
        clock.SetUtcNow(Ist(12, 16));
        await Task.Delay(500);
        var closed = await Get(host, c.Name);
        Assert.That(closed.Status, Is.EqualTo(CaseStatus.SpecialClosed));
        Assert.That(closed.Level, Is.EqualTo(Level.L1));

        await cases.ReverseSpecialCloseAsync(new DecideRequest { Name = c.Name, Text = "Not sub-judice: the writ is about another feeder." }, host.As(AdminKey));
        var reopened = await WaitFor(host, c.Name, x => x.DueTime is not null, "the restored due time");
        Assert.That(reopened.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(12, 18)), "the two days that were left");

        clock.SetUtcNow(Ist(12, 18));
        await WaitFor(host, c.Name, x => x.Level == Level.L2, "escalation when the restored limit runs out");
    }

    [Test]
    public async Task An_added_holiday_moves_the_limits_of_cases_registered_after_it()
    {
        var (host, _) = await StartAsync();
        await using var __ = host;
        var directory = new DirectoryService.DirectoryServiceClient(host.Channel);
        var denied = await Assert.ThrowsAsync<RpcException>(() => directory.AddHolidayAsync(new AddHolidayRequest
        {
            Holiday = new Holiday { Date = "2026-11-12", Name = "x" },
        }, host.As(PortalKey)).ResponseAsync);
        Assert.That(denied!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        var calendar = await directory.AddHolidayAsync(new AddHolidayRequest
        {
            Calendar = "uttarakhand", Holiday = new Holiday { Date = "2026-11-12", Name = "State mourning", NameHi = "राजकीय शोक" },
        }, host.As(AdminKey));
        Assert.That(calendar.Holidays.Select(h => h.Date), Does.Contain("2026-11-12"));

        var c = await Register(host);
        Assert.That(c.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 19)), "one more day off in the seven");
        var bad = await Assert.ThrowsAsync<RpcException>(() => directory.AddHolidayAsync(new AddHolidayRequest
        {
            Holiday = new Holiday { Date = "12/11/2026", Name = "x" },
        }, host.As(AdminKey)).ResponseAsync);
        Assert.That(Requests.Violations(bad!), Does.ContainKey("holiday.date"));
    }
}
