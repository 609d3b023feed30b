using CaseFlow.Server.Hosting;
using System.Diagnostics;
using System.Text;
using CaseFlow.Api.V1;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Circulars;
using CaseFlow.Server.Persistence;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;
using CoreCase = CaseFlow.Core.Cases.Case;
using CoreStatus = CaseFlow.Core.Cases.CaseStatus;

namespace CaseFlow.Server.Tests;

/// <summary>The CircularService on the real server: SQL aggregation, templates, PDF, permissions.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class CircularServiceTests(DatabaseProvider provider)
{
    // Wednesday 25 November 2026, 12:00 IST: no Monday cron fires while these tests run.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 6, 30, 0, TimeSpan.Zero);
    private CaseFlowHost _host = null!;
    private CircularService.CircularServiceClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)), provider: provider);
        _client = new CircularService.CircularServiceClient(_host.Channel);
        await SeedCasesAsync();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static readonly RankingPeriod Period = new(Now.AddDays(-14), Now);

    /// <summary>Cases in every state the ranking distinguishes, written straight to the table.</summary>
    private async Task SeedCasesAsync()
    {
        var statuses = new[] { CoreStatus.Registered, CoreStatus.InProgress, CoreStatus.Resolved, CoreStatus.Closed, CoreStatus.Reopened, CoreStatus.SpecialClosed, CoreStatus.ForceClosed };
        var departments = new[] { ("energy", "power-supply"), ("drinking-water", "water-supply"), ("health", "hospital-services") };
        var districts = new[] { "dehradun", "haridwar", "almora" };
        var rng = new Random(7);
        var cases = new List<CoreCase>();
        for (var i = 1; i <= 600; i++)
        {
            var (department, category) = departments[rng.Next(departments.Length)];
            var status = statuses[rng.Next(statuses.Length)];
            var created = Now.AddDays(-rng.Next(0, 90)).AddMinutes(-rng.Next(0, 1440));
            var closed = status is CoreStatus.Closed or CoreStatus.SpecialClosed or CoreStatus.ForceClosed ? created.AddDays(rng.Next(0, 60)) : (DateTimeOffset?)null;
            if (closed > Now) closed = Now.AddHours(-1);
            cases.Add(new CoreCase
            {
                Number = $"UK-2026-{i:000000}", Department = department, District = districts[rng.Next(districts.Length)], Category = category,
                ComplainantName = "x", ComplainantPhone = "+919000000000", ComplainantDistrict = "dehradun", Description = "x", CreatedBy = "test",
                Status = status, CreatedAt = created, UpdatedAt = created, LastActionAt = created.AddDays(rng.Next(0, 10)),
                ResolvedAt = status is CoreStatus.Resolved or CoreStatus.Closed ? (closed ?? created.AddDays(rng.Next(0, 20))) : null,
                ClosedAt = closed, Satisfied = status == CoreStatus.Closed ? rng.Next(3) > 0 : null, FeedbackUnanswered = status == CoreStatus.Resolved && rng.Next(2) == 0,
                ReopenCount = rng.Next(4) == 0 ? 1 : 0, Habitual = rng.Next(15) == 0,
                SpecialCloseReview = status == CoreStatus.SpecialClosed ? (rng.Next(2) == 0 ? Core.Cases.SpecialCloseReview.Pending : Core.Cases.SpecialCloseReview.Upheld) : default,
                DueAt = status is CoreStatus.Registered or CoreStatus.InProgress or CoreStatus.Reopened ? created.AddDays(7) : null,
                Level = 1 + rng.Next(2), AssignedPostId = "p",
            });
        }
        // Each case's history, as the service would have recorded it: the events carry the status and last action
        // they left, and the row's UpdatedAt is its last change (the ranking reads only cases changed since a period began).
        var events = new List<Core.Cases.CaseEvent>();
        foreach (var (c, i) in cases.Select((c, i) => (c, i)))
        {
            // Nothing in the seeded past happens after "now".
            if (c.ResolvedAt > Now.AddHours(-7)) c.ResolvedAt = Now.AddHours(-7);
            if (c.LastActionAt > Now.AddHours(-1)) c.LastActionAt = Now.AddHours(-1);
            // An earlier reopening (two hours after registration) comes before everything else that happened.
            var reopenedEarlier = c.ReopenCount > 0 && c.Status != CoreStatus.Registered && c.CreatedAt.AddHours(3) < Now.AddHours(-8);
            if (reopenedEarlier)
            {
                DateTimeOffset? After(DateTimeOffset? t) => t is { } v && v < c.CreatedAt.AddHours(3) ? c.CreatedAt.AddHours(3) : t;
                (c.ResolvedAt, c.ClosedAt, c.LastActionAt) = (After(c.ResolvedAt), After(c.ClosedAt), After(c.LastActionAt)!.Value);
            }
            var first = events.Count;
            void E(Core.Cases.CaseEventType type, DateTimeOffset at, CoreStatus status, bool officer = true) => events.Add(new Core.Cases.CaseEvent
            {
                CaseNumber = c.Number, Department = c.Department, Type = type, At = at, ActorSystem = "test", Status = status, Level = c.Level,
                LastActionAt = officer ? at : null,
            });
            E(Core.Cases.CaseEventType.Registered, c.CreatedAt, CoreStatus.Registered);
            // Every fifth case breached a limit (early on, before anything else happened to it).
            if (i % 5 == 0) E(Core.Cases.CaseEventType.LimitBreached, c.CreatedAt.AddMinutes(30), CoreStatus.Registered, officer: false);
            if (reopenedEarlier)
            {
                E(Core.Cases.CaseEventType.Resolved, c.CreatedAt.AddHours(1), CoreStatus.Resolved);
                E(Core.Cases.CaseEventType.FeedbackRecorded, c.CreatedAt.AddHours(2), CoreStatus.Reopened, officer: false);
                E(Core.Cases.CaseEventType.Reopened, c.CreatedAt.AddHours(2), CoreStatus.Reopened, officer: false);
            }
            else c.ReopenCount = 0;
            var last = c.LastActionAt;
            switch (c.Status)
            {
                case CoreStatus.InProgress or CoreStatus.Reopened:
                    E(Core.Cases.CaseEventType.NoteAdded, last, CoreStatus.InProgress);
                    c.Status = CoreStatus.InProgress;
                    break;
                case CoreStatus.Resolved:
                    E(Core.Cases.CaseEventType.Resolved, c.ResolvedAt!.Value, CoreStatus.Resolved);
                    c.LastActionAt = last = c.ResolvedAt.Value;
                    if (c.FeedbackUnanswered) E(Core.Cases.CaseEventType.FeedbackUnanswered, last = c.ResolvedAt.Value.AddHours(6), CoreStatus.Resolved, officer: false);
                    break;
                case CoreStatus.Closed:
                    E(Core.Cases.CaseEventType.Resolved, c.ResolvedAt!.Value, CoreStatus.Resolved);
                    var outcome = c.Satisfied == true ? CoreStatus.Closed : CoreStatus.Reopened;
                    E(Core.Cases.CaseEventType.FeedbackRecorded, c.ClosedAt!.Value, outcome, officer: false);
                    E(c.Satisfied == true ? Core.Cases.CaseEventType.Closed : Core.Cases.CaseEventType.Reopened, c.ClosedAt.Value, outcome, officer: false);
                    c.LastActionAt = c.ResolvedAt.Value;
                    if (c.Satisfied != true) { c.Status = CoreStatus.Reopened; c.ClosedAt = null; c.ReopenCount++; }
                    last = c.ClosedAt ?? c.ResolvedAt.Value;
                    break;
                case CoreStatus.SpecialClosed:
                    E(Core.Cases.CaseEventType.SpecialCloseApproved, c.ClosedAt!.Value, CoreStatus.SpecialClosed);
                    c.LastActionAt = last = c.ClosedAt.Value;
                    if (c.SpecialCloseReview == Core.Cases.SpecialCloseReview.Upheld)
                        E(Core.Cases.CaseEventType.SpecialCloseUpheld, c.ClosedAt.Value.AddMinutes(30), CoreStatus.SpecialClosed, officer: false);
                    break;
                case CoreStatus.ForceClosed:
                    E(Core.Cases.CaseEventType.ForceClosed, c.ClosedAt!.Value, CoreStatus.ForceClosed);
                    c.LastActionAt = last = c.ClosedAt.Value;
                    break;
            }
            c.UpdatedAt = events.Skip(first).Max(e => e.At);
            // Half carry the fold of their history, as every case the service registers does; the other half are as if
            // registered before folds were kept, so the ranking reads both ways.
            if (i % 2 == 0) c.Replay = CaseHistory.Fold(events.Skip(first).OrderBy(e => e.At), DateTimeOffset.MaxValue);
        }
        var db = _host.Services.GetRequiredService<CaseFlowDatabase>();
        await using var ctx = db.CreateContext();
        ctx.Cases.AddRange(cases);
        ctx.CaseEvents.AddRange(events.OrderBy(e => e.At));
        await ctx.SaveChangesAsync();
    }

    [Test]
    public async Task The_database_replay_counts_what_replaying_every_case_in_memory_counts()
    {
        var queries = _host.Services.GetRequiredService<RankingQueries>();
        var stored = (await queries.CountsAsync(Period, 50, 7, CancellationToken.None)).OrderBy(c => c.Department).ThenBy(c => c.District).ToList();

        // Every case and every event, no pruning: the reference the database's selection must agree with.
        await using var ctx = _host.Services.GetRequiredService<CaseFlowDatabase>().CreateContext();
        var history = (await ctx.CaseEvents.ToListAsync()).OrderBy(e => e.Id).ToLookup(e => e.CaseNumber);
        // (The recurring test writes bare case rows with no history; the service never does, and they cannot count.)
        var facts = (await ctx.Cases.ToListAsync()).Where(c => history.Contains(c.Number))
            .Select(c => CaseHistory.AsOf(CaseRecord.Of(c), history[c.Number], Period.To)).ToList();
        var memory = facts.GroupBy(f => (f.Department, f.District))
            .Select(g => (g.Key.Department, g.Key.District, Counts: g.Aggregate(RankingCounts.Zero, (s, f) => s + RankingCounts.Of(f, Period, 50, 7))))
            .Where(x => x.Counts != RankingCounts.Zero)
            .OrderBy(c => c.Department).ThenBy(c => c.District).ToList();

        Assert.That(stored.Select(x => (x.Department, x.District)), Is.EqualTo(memory.Select(x => (x.Department, x.District))));
        for (var i = 0; i < stored.Count; i++)
        {
            var (s, m) = (stored[i].Counts, memory[i].Counts);
            // Exact, disposal times included: they add up in whole ticks, in any order.
            Assert.That(s, Is.EqualTo(m), $"{stored[i].Department}/{stored[i].District}");
        }
        var state = memory.Aggregate(RankingCounts.Zero, (a, m) => a + m.Counts);
        Assert.That(new[] { state.Disposed, state.NotSatisfied, state.AwaitingConfirmation, state.PastLimit }, Is.All.GreaterThan(5L),
            "the data set exercises disposals, not-satisfied answers, cases awaiting the complainant and cases past their limit");
    }

    [Test]
    public async Task A_past_period_ranked_again_after_its_cases_moved_on_gives_the_same_ranking()
    {
        var snapshots = _host.Services.GetRequiredService<RankingSnapshots>();
        var before = await snapshots.RankAsync(Period, CancellationToken.None);

        // After the period: open energy cases are resolved and the complainants answer, through the API.
        var cases = new CaseService.CaseServiceClient(_host.Channel);
        await using (var ctx = _host.Services.GetRequiredService<CaseFlowDatabase>().CreateContext())
        {
            var open = await ctx.Cases.Where(c => c.Department == "energy" && c.Status == CoreStatus.InProgress && !c.Habitual).OrderBy(c => c.Id).Take(6).ToListAsync();
            Assert.That(open, Has.Count.EqualTo(6));
            foreach (var (c, i) in open.Select((c, i) => (c, i)))
            {
                var resolved = await cases.ResolveCaseAsync(new ResolveCaseRequest { Name = c.ResourceName, Resolution = "Supply restored." }, _host.As(CaseFlowHost.EnergyKey));
                await cases.RecordFeedbackAsync(new RecordFeedbackRequest
                {
                    Name = c.ResourceName, Etag = resolved.Etag, Channel = FeedbackChannel.CallBack, Satisfied = i % 2 == 0, Rating = i % 2 == 0 ? 5 : 1, TakenBy = "agent-17",
                }, _host.As(CaseFlowHost.CallCentreKey));
            }
        }
        var after = await snapshots.RankAsync(Period, CancellationToken.None);

        Assert.That(after.Departments.Select(r => (r.Department, r.Score, r.Rank, r.Counts)), Is.EqualTo(before.Departments.Select(r => (r.Department, r.Score, r.Rank, r.Counts))));
        var later = await snapshots.RankAsync(new RankingPeriod(Period.To, Period.To.AddDays(7)), CancellationToken.None);
        var energy = later.Departments.Single(r => r.Department == "energy").Counts;
        Assert.That((energy.SatisfiedClosed, energy.NotSatisfied), Is.EqualTo((3L, 3L)), "the answers count in the period they were given");
    }

    [Test]
    public async Task ComputeRanking_stores_a_snapshot_worst_first_that_GetRanking_returns_unchanged()
    {
        var period = new Period { StartTime = Timestamp.FromDateTimeOffset(Period.From), EndTime = Timestamp.FromDateTimeOffset(Period.To) };
        var computed = await _client.ComputeRankingAsync(new ComputeRankingRequest { Period = period }, _host.As(AdminKey));
        Assert.That(computed.Departments.Select(d => d.Score), Is.Ordered.Ascending, "worst first");
        Assert.That(computed.Departments.Select(d => d.Rank), Is.EqualTo(computed.Departments.Select(d => 1 + computed.Departments.Count(o => o.Score > d.Score))),
            "rank 1 is the best; the worst, listed first, has the highest rank");
        Assert.That(computed.Departments.Select(d => d.Department), Is.EquivalentTo(new[] { "energy", "drinking-water", "health" }));
        Assert.That(computed.DepartmentDistricts, Has.Count.EqualTo(9));
        Assert.That(computed.Departments[0].Indicators.Select(i => i.Id), Does.Contain("satisfied-closure").And.Contain("force-closed"));

        var read = await _client.GetRankingAsync(new GetRankingRequest { Id = computed.Id }, _host.As(ReadOnlyKey));
        Assert.That(read, Is.EqualTo(computed));
    }

    [Test]
    public async Task Reading_needs_ReadCases_and_computing_needs_Supervise()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await _client.ComputeRankingAsync(new ComputeRankingRequest(), _host.As(ReadOnlyKey)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        e = await Assert.ThrowsAsync<RpcException>(async () => await _client.SaveTemplateAsync(new SaveTemplateRequest { Name = "ranking.en", Text = "x" }, _host.As(ReadOnlyKey)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        var list = await _client.ListCircularsAsync(new ListCircularsRequest(), _host.As(ReadOnlyKey));
        Assert.That(list, Is.Not.Null);
        e = await Assert.ThrowsAsync<RpcException>(async () => await _client.ListCircularsAsync(new ListCircularsRequest { PageSize = -1 }, _host.As(ReadOnlyKey)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public async Task A_new_scorecard_version_is_checked_saved_and_ranks_next_while_a_broken_one_changes_nothing()
    {
        var shipped = await _client.GetScorecardAsync(new GetScorecardRequest(), _host.As(ReadOnlyKey));
        Assert.That(shipped.Shipped, Is.True);
        var card = Scorecard.Parse(shipped.ScorecardJson);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await _client.SaveScorecardAsync(
            new SaveScorecardRequest { ScorecardJson = shipped.ScorecardJson }, _host.As(ReadOnlyKey)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "a read-only key cannot change what departments are ranked by");

        // Every problem named at once: a negative weight, grade bands out of order, and not JSON at all.
        var broken = card with
        {
            Version = 0,
            Indicators = [card.Indicators[0] with { Weight = -5 }, .. card.Indicators.Skip(1)],
            GradeBands = [.. card.GradeBands.Reverse()],
        };
        e = await Assert.ThrowsAsync<RpcException>(async () => await _client.SaveScorecardAsync(
            new SaveScorecardRequest { ScorecardJson = System.Text.Json.JsonSerializer.Serialize(broken, Scorecard.Json) }, _host.As(AdminKey)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Requests.Reason(e), Is.EqualTo("SCORECARD_INVALID"));
        Assert.That(Requests.Violations(e)["scorecard_json"], Does.Contain($"indicator '{card.Indicators[0].Id}': weight must not be negative")
            .And.Contain("grade bands must be listed best first"));
        e = await Assert.ThrowsAsync<RpcException>(async () => await _client.SaveScorecardAsync(
            new SaveScorecardRequest { ScorecardJson = "{ \"version\": " }, _host.As(AdminKey)));
        Assert.That(Requests.Violations(e!)["scorecard_json"], Does.Contain("not valid JSON"));
        e = await Assert.ThrowsAsync<RpcException>(async () => await _client.SaveScorecardAsync(
            new SaveScorecardRequest { ScorecardJson = System.Text.Json.JsonSerializer.Serialize(card, Scorecard.Json) }, _host.As(AdminKey)));
        Assert.That(Requests.Violations(e!)["scorecard_json.version"], Does.Contain($"must be {card.Version + 1}"), "resaving the version in force is refused");

        // Halving the first indicator's weight: checked without saving, then saved.
        var edited = System.Text.Json.JsonSerializer.Serialize(card with { Version = 0, Indicators = [card.Indicators[0] with { Weight = card.Indicators[0].Weight / 2 }, .. card.Indicators.Skip(1)] }, Scorecard.Json);
        var checkedOnly = await _client.SaveScorecardAsync(new SaveScorecardRequest { ScorecardJson = edited, ValidateOnly = true }, _host.As(AdminKey));
        Assert.That(checkedOnly.Version, Is.EqualTo(card.Version + 1));
        Assert.That((await _client.GetScorecardAsync(new GetScorecardRequest(), _host.As(ReadOnlyKey))).Version, Is.EqualTo(card.Version), "validate_only saves nothing");

        var saved = await _client.SaveScorecardAsync(new SaveScorecardRequest { ScorecardJson = edited, Note = "halve the first indicator" }, _host.As(AdminKey));
        Assert.That(saved.Version, Is.EqualTo(card.Version + 1));
        Assert.That(saved.SavedBy, Is.Not.Empty);
        Assert.That(saved.Note, Is.EqualTo("halve the first indicator"));
        var inForce = await _client.GetScorecardAsync(new GetScorecardRequest(), _host.As(ReadOnlyKey));
        Assert.That(inForce.Version, Is.EqualTo(saved.Version));
        Assert.That(Scorecard.Parse(inForce.ScorecardJson).Indicators[0].Weight, Is.EqualTo(card.Indicators[0].Weight / 2));
        var old = await _client.GetScorecardAsync(new GetScorecardRequest { Version = card.Version }, _host.As(ReadOnlyKey));
        Assert.That(old.Shipped, Is.True, "the version a stored ranking names stays readable");

        var ranking = await _client.ComputeRankingAsync(new ComputeRankingRequest { Period = ToProto(Period) }, _host.As(AdminKey));
        Assert.That(ranking.ScorecardVersion, Is.EqualTo(saved.Version), "the next ranking uses the saved version");
        var circular = await _client.RenderRankingCircularAsync(new RenderRankingCircularRequest { Period = ToProto(Period), Language = "en", Format = "html" }, _host.As(ReadOnlyKey));
        Assert.That(circular.Content.ToStringUtf8(), Does.Contain($"(version {saved.Version})"));

        // Going back is a new version with the old content: the other tests here rank on the shipped weights.
        var back = await _client.SaveScorecardAsync(new SaveScorecardRequest
        {
            ScorecardJson = System.Text.Json.JsonSerializer.Serialize(card with { Version = 0 }, Scorecard.Json), Note = "back to the shipped weights",
        }, _host.As(AdminKey));
        Assert.That(back.Version, Is.EqualTo(card.Version + 2));
    }

    private static Period ToProto(RankingPeriod p) => new() { StartTime = Timestamp.FromDateTimeOffset(p.From), EndTime = Timestamp.FromDateTimeOffset(p.To) };

    [Test]
    public async Task A_broken_template_is_refused_with_line_and_column_and_the_last_good_one_keeps_rendering()
    {
        var shipped = await _client.GetTemplateAsync(new GetTemplateRequest { Name = "hod-overdue.en" }, _host.As(AdminKey));
        Assert.That(shipped.Version, Is.EqualTo(0), "the shipped file until an administrator saves one");
        var good = shipped.Text.Replace("Yours faithfully,", "Yours faithfully, (edited)");
        var saved = await _client.SaveTemplateAsync(new SaveTemplateRequest { Name = "hod-overdue.en", Text = good }, _host.As(AdminKey));
        Assert.That(saved.Version, Is.EqualTo(1));

        var broken = good.Replace("{{~ for c in overdue ~}}", "{{~ for c in overdue ~}");
        var e = await Assert.ThrowsAsync<RpcException>(async () => await _client.SaveTemplateAsync(new SaveTemplateRequest { Name = "hod-overdue.en", Text = broken }, _host.As(AdminKey)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Requests.Reason(e), Is.EqualTo("TEMPLATE_INVALID"));
        Assert.That(Requests.Violations(e)["text"], Does.Match(@"line \d+, column \d+"));

        var inForce = await _client.GetTemplateAsync(new GetTemplateRequest { Name = "hod-overdue.en" }, _host.As(ReadOnlyKey));
        Assert.That(inForce.Version, Is.EqualTo(1));
        var preview = await _client.RenderRankingCircularAsync(new RenderRankingCircularRequest { Language = "en", Format = "html", Department = "energy" }, _host.As(ReadOnlyKey));
        var html = preview.Content.ToStringUtf8();
        Assert.That(html, Does.Contain("Yours faithfully, (edited)"));
        Assert.That(preview.LetterNumber, Is.EqualTo("PREVIEW"));
        Assert.That(html, Does.Contain("UK-2026-"), "overdue cases are listed by number");
        Assert.That(html, Does.Not.Contain("+919000000000"), "no personal data");
    }

    [Test]
    public async Task The_PDF_preview_carries_the_Hindi_text()
    {
        if (!File.Exists("/usr/bin/chromium"))
            Assert.Ignore("Chromium is not installed (/usr/bin/chromium): apt-get install chromium fonts-noto-core; .ci/run installs it.");
        if (!File.Exists("/usr/bin/pdftotext"))
            Assert.Ignore("pdftotext is not installed: apt-get install poppler-utils; .ci/run installs it.");
        var rendered = await _client.RenderRankingCircularAsync(new RenderRankingCircularRequest { Language = "hi", Format = "pdf" }, _host.As(ReadOnlyKey, default));
        Assert.That(rendered.PdfSkippedReason, Is.Empty);
        Assert.That(rendered.ContentType, Is.EqualTo("application/pdf"));
        var text = PdfText(rendered.Content.ToByteArray());
        Assert.That(text, Does.Contain("उत्तराखण्ड"));
        Assert.That(text, Does.Contain("निर्देश"));
    }

    /// <summary>
    /// A ranking's cost follows the open cases and the period's activity, not the closed history: both of its statements
    /// are answered from their partial indexes (a range of the open cases' keys; the closed cases changed since a time), never
    /// by walking the table. On PostgreSQL, with sequential scans priced out, the planner must be able to use each index,
    /// which it can only if the statement's WHERE implies the index's filter.
    /// </summary>
    [Test]
    public async Task Both_ranking_statements_are_answered_from_their_partial_indexes()
    {
        await using var ctx = _host.Services.GetRequiredService<CaseFlowDatabase>().CreateContext();
        var connection = ctx.Database.GetDbConnection();
        await ctx.Database.OpenConnectionAsync();
        async Task<string> PlanAsync(bool changedClosed)
        {
            await using var cmd = connection.CreateCommand();
            var sqlite = provider == DatabaseProvider.Sqlite;
            if (!sqlite)
            {
                cmd.CommandText = "SET enable_seqscan = off";
                await cmd.ExecuteNonQueryAsync();
            }
            cmd.CommandText = (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + RankingQueries.Statement(changedClosed, sqlite);
            if (!sqlite)
                foreach (var (name, value) in new[] { ("@first", 1L), ("@stop", 1_000L), ("@from", Period.From.UtcTicks), ("@to", Period.To.UtcTicks) })
                {
                    var p = cmd.CreateParameter();
                    p.ParameterName = name;
                    p.Value = value;
                    if (cmd.CommandText.Contains(name, StringComparison.Ordinal)) cmd.Parameters.Add(p);
                }
            var plan = new StringBuilder();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) plan.AppendLine(r.GetValue(r.FieldCount - 1).ToString());
            return plan.ToString();
        }

        var open = await PlanAsync(changedClosed: false);
        var closed = await PlanAsync(changedClosed: true);
        if (provider == DatabaseProvider.Sqlite)
        {
            Assert.That(open, Does.Contain($"SEARCH Cases USING INDEX {CaseIndexes.Open} (Id>? AND Id<?)"));
            Assert.That(closed, Does.Contain($"SEARCH Cases USING INDEX {CaseIndexes.ClosedByUpdate} (UpdatedAt>?)"));
            Assert.That(open + closed, Does.Not.Contain("SCAN Cases"));
        }
        else
        {
            Assert.That(open, Does.Contain(CaseIndexes.Open.ToLowerInvariant()).Or.Contain(CaseIndexes.Open), open);
            Assert.That(closed, Does.Contain(CaseIndexes.ClosedByUpdate.ToLowerInvariant()).Or.Contain(CaseIndexes.ClosedByUpdate), closed);
        }
    }

    [Test]
    public async Task Weekly_counts_follow_IST_weeks_and_leave_habitual_complainants_out()
    {
        // A district and category of their own in July, away from the fixture's cases. Monday 00:00 IST opens a week and
        // the minute before it still belongs to the week before.
        var w30 = IsoWeek.Parse("2026-W30");
        var w31 = IsoWeek.Parse("2026-W31");
        var w32 = IsoWeek.Parse("2026-W32");
        DateTimeOffset[] times =
        [
            w30.Monday, w30.Monday.AddDays(3), w31.Monday.AddMinutes(-1), // W30: 3
            w31.Monday, // W31: 1
            w32.Monday.AddHours(5), w32.Monday.AddDays(6).AddHours(23), w32.Monday.AddDays(2), // W32: 3
            w32.Monday.AddDays(7), // W33: outside
        ];
        await using (var ctx = _host.Services.GetRequiredService<CaseFlowDatabase>().CreateContext())
        {
            ctx.Cases.AddRange(times.Select((t, i) => WeeklyCase($"UK-2026-8{i:00000}", t, habitual: false))
                .Append(WeeklyCase("UK-2026-899998", w32.Monday.AddDays(1), habitual: true)));
            await ctx.SaveChangesAsync();
        }

        var (counts, texts) = await _host.Services.GetRequiredService<RankingQueries>().RecurringInputsAsync(w32, 2, CancellationToken.None);
        var ours = counts.Where(c => c.District == "champawat" && c.Category == "street-lights").OrderBy(c => c.Week).Select(c => (c.Week.ToString(), c.Count));
        Assert.That(ours, Is.EqualTo(new[] { ("2026-W30", 3), ("2026-W31", 1), ("2026-W32", 3) }));
        Assert.That(texts.Where(t => t.District == "champawat").Select(t => t.Number).Order(),
            Is.EqualTo(new[] { "UK-2026-800004", "UK-2026-800005", "UK-2026-800006" }), "the week's own texts, the habitual complainant's left out");
    }

    private static CoreCase WeeklyCase(string number, DateTimeOffset at, bool habitual) => new()
    {
        Number = number, Department = "urban-development", District = "champawat", Category = "street-lights", Habitual = habitual,
        ComplainantName = "x", ComplainantPhone = "+919000000002", ComplainantDistrict = "champawat", Description = "street light not working", CreatedBy = "test",
        Status = CoreStatus.Registered, CreatedAt = at, UpdatedAt = at, LastActionAt = at, AssignedPostId = "p",
    };

    [Test]
    public async Task Recurring_issues_name_the_owning_department_and_sample_case_numbers_only()
    {
        // 30 complaints about electricity bills from Nainital in ISO week 2026-W44, all closed that week, so
        // the ranking tests (a later period) do not see them.
        var monday = IsoWeek.Parse("2026-W44").Monday;
        await using (var ctx = _host.Services.GetRequiredService<CaseFlowDatabase>().CreateContext())
        {
            ctx.Cases.AddRange(Enumerable.Range(1, 30).Select(i => new CoreCase
            {
                Number = $"UK-2026-9{i:00000}", Department = "energy", District = "nainital", Category = "electricity-billing",
                ComplainantName = "x", ComplainantPhone = "+919000000001", ComplainantDistrict = "nainital", Description = "x", CreatedBy = "test",
                Status = CoreStatus.Closed, CreatedAt = monday.AddHours(i), UpdatedAt = monday.AddHours(i), LastActionAt = monday.AddHours(i),
                ResolvedAt = monday.AddHours(i + 1), ClosedAt = monday.AddHours(i + 2), Satisfied = true, AssignedPostId = "p",
            }));
            await ctx.SaveChangesAsync();
        }

        var issues = (await _client.ListRecurringIssuesAsync(new ListRecurringIssuesRequest { Week = "2026-W44" }, _host.As(ReadOnlyKey))).Issues;
        var issue = issues.Single(i => i.Category == "electricity-billing" && i.District == "nainital");
        Assert.That((issue.Department, issue.Count, issue.Reason, issue.Week), Is.EqualTo(("energy", 30, "threshold", "2026-W44")));
        Assert.That(issue.SampleCaseNumbers, Is.EqualTo(new[] { "UK-2026-900001", "UK-2026-900002", "UK-2026-900003", "UK-2026-900004", "UK-2026-900005" }));
    }

    [Test]
    public async Task Near_identical_complaints_registered_through_the_API_are_one_systemic_issue_in_the_circular_without_personal_data()
    {
        // A host of its own: these cases would change the shared fixture's counts.
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)), provider: provider);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var circulars = new CircularService.CircularServiceClient(host.Channel);
        string[] sameTransformer =
        [
            "रायपुर गांव का ट्रांसफार्मर जल गया है, बिजली नहीं है",
            "रायपुर गाँव ट्रांसफार्मर जल गया बिजली नहीं",
            "रायपुर गांव में ट्रांसफार्मर जल गया, कृपया बिजली चालू करें",
            "ट्रांसफार्मर जल गया रायपुर गांव बिजली नहीं आ रही",
            "रायपुर गांव ट्रांसफार्मर जल गया है बिजली नहीं, संपर्क 9876543210",
        ];
        var numbers = new List<string>();
        foreach (var text in sameTransformer)
            numbers.Add((await cases.CreateCaseAsync(Requests.NewCase(description: text), host.As(PortalKey))).Number);
        await cases.CreateCaseAsync(Requests.NewCase(description: "बिल गलत आया है, मीटर की जांच करें"), host.As(PortalKey));
        // The same words from another district are another transformer.
        await cases.CreateCaseAsync(Requests.NewCase(description: sameTransformer[0], district: "haridwar"), host.As(PortalKey));

        var issues = (await circulars.ListRecurringIssuesAsync(new ListRecurringIssuesRequest { Week = "2026-W48" }, host.As(ReadOnlyKey))).Issues;
        var issue = issues.Single(i => i.Reason == "similar");
        Assert.That((issue.District, issue.Count, issue.Department, issue.Week), Is.EqualTo(("dehradun", 5, "energy", "2026-W48")));
        Assert.That(issue.SampleCaseNumbers, Is.EquivalentTo(numbers));
        Assert.That(issue.Keywords, Is.SupersetOf(new[] { "रायपुर", "ट्रांसफार्मर", "जल", "बिजली" }));

        var period = ToProto(new RankingPeriod(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(5.5)), Now));
        foreach (var language in new[] { "hi", "en" })
        {
            var html = (await circulars.RenderRankingCircularAsync(new RenderRankingCircularRequest { Period = period, Language = language, Format = "html" },
                host.As(ReadOnlyKey))).Content.ToStringUtf8();
            Assert.That(html, Does.Contain(language == "hi" ? "मिलती-जुलती शिकायतें" : "near-identical complaints").And.Contain("ट्रांसफार्मर"));
            Assert.That(html, Does.Contain(numbers[0]));
            Assert.That(html, Does.Not.Contain("9876543210").And.Not.Contain("Sunita"), "numbers and names from the complaints stay out");
        }
    }

    public static string PdfText(byte[] pdf)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, pdf);
            using var p = Process.Start(new ProcessStartInfo("pdftotext", [file, "-"]) { RedirectStandardOutput = true, StandardOutputEncoding = Encoding.UTF8 })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
