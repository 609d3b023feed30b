using CaseFlow.Core.Cases;
using CaseFlow.Core.Ranking;

namespace CaseFlow.Core.Tests;

/// <summary>
/// The shipped scorecard on a small fixture computed by hand (numbers in the comments). Each case is a history driven
/// through Core's state machine, as the server records it; the ranking replays the histories to the period's end.
/// </summary>
public sealed class RankingTests
{
    // Monday 16 to Sunday 22 November 2026, IST (the period ends at Monday 23 00:00).
    private static readonly RankingPeriod Week = new(new DateTimeOffset(2026, 11, 16, 0, 0, 0, IndiaTime.Offset), new DateTimeOffset(2026, 11, 23, 0, 0, 0, IndiaTime.Offset));
    private static readonly RankingPeriod NextWeek = new(Week.To, Week.To.AddDays(7));
    private static DateTimeOffset D(double daysBeforeEnd) => Week.To.AddDays(-daysBeforeEnd);

    private static Scorecard Shipped() => Scorecard.Load(Path.Combine(TestDirectory.RepoRoot, "seed", "scorecard.json"));

    /// <summary>One case's life: each step changes the case through the state machine and records the event it makes.</summary>
    private sealed class Story
    {
        public Case Case { get; }
        public List<CaseEvent> Events { get; } = [];

        public Story(string number, string department, string district, double createdDaysBeforeEnd, bool habitual = false)
        {
            var at = D(createdDaysBeforeEnd);
            Case = new Case
            {
                Number = number, Department = department, District = district, Category = "power-supply", CreatedAt = at, LastActionAt = at, Habitual = habitual,
                Replay = CaseReplay.Start,
            };
            Record(CaseEventType.Registered, at);
        }

        private Story Record(CaseEventType type, DateTimeOffset at)
        {
            Events.Add(CaseEvent.Of(Case, type, at, "test", null, null));
            return this;
        }

        public Story Note(double d) { CaseStateMachine.AddNote(Case, D(d), "called the lineman", false, null); return Record(CaseEventType.NoteAdded, D(d)); }
        public Story Resolve(double d) { CaseStateMachine.Resolve(Case, D(d), "replaced the transformer"); return Record(CaseEventType.Resolved, D(d)); }
        public Story Unanswered(double d) { CaseStateMachine.MarkFeedbackUnanswered(Case, D(d)); return Record(CaseEventType.FeedbackUnanswered, D(d)); }

        public Story Feedback(double d, bool satisfied)
        {
            CaseStateMachine.RecordFeedback(Case, D(d), satisfied, satisfied ? 5 : 1);
            Record(CaseEventType.FeedbackRecorded, D(d));
            return Record(satisfied ? CaseEventType.Closed : CaseEventType.Reopened, D(d));
        }

        /// <summary>The workflow's breach: the limit at the current level ran out and the case moves up one level.</summary>
        public Story Breach(double d)
        {
            Record(CaseEventType.LimitBreached, D(d));
            Case.Level++;
            Record(CaseEventType.Escalated, D(d));
            if (Case.Level == 4) { CaseStateMachine.FlagForChiefSecretary(Case, D(d)); Record(CaseEventType.ChiefSecretaryReview, D(d)); }
            return this;
        }

        public CaseFact At(DateTimeOffset end) => CaseHistory.AsOf(CaseRecord.Of(Case), Events, end);
    }

    private static List<Story> Fixture() =>
    [
        // energy / dehradun: disposed 2 (E1 satisfied, E2 answered "not satisfied"), pending 2 (E2 reopened, E3 awaiting the complainant)
        new Story("E1", "energy", "dehradun", 10).Resolve(3).Feedback(2, satisfied: true),
        new Story("E2", "energy", "dehradun", 9).Resolve(4).Feedback(3, satisfied: false),
        new Story("E3", "energy", "dehradun", 6).Resolve(2),
        // health / almora: the same three outcomes, so the same score: a tie
        new Story("H1", "health", "almora", 10).Resolve(3).Feedback(2, satisfied: true),
        new Story("H2", "health", "almora", 9).Resolve(4).Feedback(3, satisfied: false),
        new Story("H3", "health", "almora", 6).Resolve(2),
        // drinking-water / haridwar: W1 missed its L1 and L2 limits, then was resolved and closed satisfied; W2 pending and attended
        new Story("W1", "drinking-water", "haridwar", 20).Breach(13).Breach(8).Resolve(5).Feedback(4, satisfied: true),
        new Story("W2", "drinking-water", "haridwar", 12).Note(1),
        // transport / tehri: T1 has breached all four levels and nobody has touched it for 30 days; T2 was resolved and never answered
        new Story("T1", "transport", "tehri", 60).Breach(53).Breach(46).Breach(41).Note(30),
        new Story("T2", "transport", "tehri", 15).Resolve(10).Unanswered(4),
        // a habitual complainant's case: worked but left out entirely
        new Story("T3", "transport", "tehri", 10, habitual: true).Resolve(3).Feedback(2, satisfied: false),
        // closed before the period: counts nowhere
        new Story("T4", "transport", "tehri", 40).Resolve(20).Feedback(19, satisfied: true),
    ];

    private static Core.Ranking.Ranking Rank(IEnumerable<Story> stories, RankingPeriod period) =>
        new RankingCalculator(Shipped()).Compute(stories.Select(s => s.At(period.To)), period, period.To);

    [Test]
    public void The_shipped_scorecard_is_the_MP_grading_60_20_10_10_with_reported_only_indicators()
    {
        var card = Shipped();
        Assert.That(card.Indicators.Where(i => i.Weight > 0).Select(i => (i.Measure, i.Weight)), Is.EqualTo(new[]
        {
            (Measure.SatisfiedClosureShare, 60.0), (Measure.PendingBeyondDaysShare, 20.0), (Measure.PoorQualityClosureShare, 10.0), (Measure.NotAttendedShare, 10.0),
        }));
        Assert.That(card.Find(Measure.PendingBeyondDaysShare)!.Days, Is.EqualTo(50));
        Assert.That(card.Indicators.Where(i => i.Weight == 0).Select(i => i.Measure), Is.SupersetOf(new[]
        {
            Measure.PastLimitShare, Measure.DisposedWithinLimitShare, Measure.SpecialClosedShare, Measure.ReopenedShare, Measure.AverageDaysToDisposal, Measure.ForceClosedCount,
        }));
    }

    [Test]
    public void Scores_ranks_and_ties_match_the_hand_computed_values_worst_first()
    {
        var ranking = Rank(Fixture(), Week);

        Assert.That(ranking.Departments.Select(r => (r.Department, r.Rank, r.SharedWith)), Is.EqualTo(new[]
        {
            ("transport", 4, 0), ("energy", 2, 1), ("health", 2, 1), ("drinking-water", 1, 0),
        }), "equal scores share rank 2 and rank 3 is skipped; worst listed first");

        var energy = Row(ranking, "energy");
        // satisfied 1 of 2 disposals (E2's "not satisfied" counts) -> 30; pending over 50 days 0/2 -> 20;
        // poor quality 1/2 (E2 was reopened) -> 5; no action for 7 days 0 of 2 pending (E3 awaits the complainant, so it is not idle) -> 10
        Assert.That(energy.Score, Is.EqualTo(65.0));
        Assert.That(energy.Grade, Is.EqualTo("B"));
        Assert.That((energy.Counts.Disposed, energy.Counts.NotSatisfied, energy.Counts.Open, energy.Counts.AwaitingConfirmation), Is.EqualTo((2L, 1L, 2L, 1L)),
            "the not-satisfied answer is a disposal that failed; the reopened and the resolved-awaiting cases are both pending");
        Assert.That(Value(energy, "satisfied-closure"), Is.EqualTo(0.5));
        Assert.That(Row(ranking, "health").Score, Is.EqualTo(65.0));

        var water = Row(ranking, "drinking-water");
        // satisfied 1/1 -> 60; pending 0/1 -> 20; poor 0/1 -> 10; idle 0/1 -> 10
        Assert.That(water.Score, Is.EqualTo(100.0));
        Assert.That(Value(water, "disposed-within-limit"), Is.EqualTo(0), "W1 missed its L1 and L2 limits before it was resolved");
        Assert.That(water.Counts.PastLimit, Is.EqualTo(0), "a disposed case is no longer past its limit");

        var transport = Row(ranking, "transport");
        // disposed: T2 unanswered (not satisfied) -> satisfied 0/1 -> 0; pending T1 and T2: over 50 days 1/2 -> 10;
        // poor quality 0/1 -> 10; idle: T1 (last action 30 days before the end) 1 of 2 pending -> 5. Total 25.
        Assert.That(transport.Score, Is.EqualTo(25.0));
        Assert.That(transport.Grade, Is.EqualTo("D"));
        Assert.That((transport.Counts.PastLimit, transport.Counts.PastLimitOver30Days, transport.Counts.ChiefSecretaryReview), Is.EqualTo((1L, 1L, 1L)),
            "T1 first missed a limit 53 days before the end and is on the Chief Secretary's list");
        Assert.That(transport.Counts.Active, Is.EqualTo(2), "the habitual complainant's case and the one closed before the period count nowhere");
        Assert.That(ranking.State.Disposed, Is.EqualTo(6));
    }

    [Test]
    public void A_past_week_recomputed_after_later_events_gives_the_same_ranking()
    {
        var stories = Fixture();
        var before = Rank(stories, Week);

        // The next week: E2 and E3 are closed satisfied, T1 is resolved, W2 is answered unsatisfied after a resolution.
        Find(stories, "E2").Resolve(-1).Feedback(-2, satisfied: true);
        Find(stories, "E3").Feedback(-1, satisfied: true);
        Find(stories, "T1").Resolve(-3);
        Find(stories, "W2").Resolve(-2).Feedback(-3, satisfied: false);
        var after = Rank(stories, Week);

        Assert.That(Shape(after), Is.EqualTo(Shape(before)), "the same week gives the same snapshot however the cases moved on");
        var next = Rank(stories, NextWeek);
        Assert.That(Row(next, "energy").Counts.SatisfiedClosed, Is.EqualTo(2), "the later closures count in the week they happened");
        Assert.That(Row(next, "drinking-water").Counts.NotSatisfied, Is.EqualTo(1));
    }

    [Test]
    public void Counts_add_up_to_the_same_figures_in_any_order()
    {
        // The server adds cases up in key ranges read side by side, so the order of the additions varies from run to run.
        // Disposal times in fractions of a day (tenths and thirds) summed as doubles would differ in the last bit by order.
        var parts = Enumerable.Range(1, 300).Select(i => new RankingCounts
        {
            Active = 1, Disposed = 1, DisposalTicks = TimeSpan.FromDays(i % 7 / 10.0 + i % 5 / 3.0).Ticks,
        }).ToList();
        var forward = parts.Aggregate(RankingCounts.Zero, (a, b) => a + b);
        var shuffled = parts.OrderBy(p => p.DisposalTicks % 13).ThenByDescending(p => p.DisposalTicks).Aggregate(RankingCounts.Zero, (a, b) => a + b);
        var halves = parts.Take(150).Aggregate(RankingCounts.Zero, (a, b) => a + b) + Enumerable.Reverse(parts.Skip(150)).Aggregate(RankingCounts.Zero, (a, b) => a + b);
        Assert.That(shuffled, Is.EqualTo(forward));
        Assert.That(halves, Is.EqualTo(forward));
        Assert.That(forward.DisposalDays, Is.EqualTo(parts.Sum(p => (double)p.DisposalTicks) / TimeSpan.TicksPerDay).Within(1e-9));
    }

    [Test]
    public void Stored_counts_read_back_exactly_and_older_snapshots_in_days_still_read()
    {
        var counts = new RankingCounts { Active = 3, Disposed = 2, DisposalTicks = TimeSpan.FromDays(12.345678901).Ticks + 7 };
        var json = System.Text.Json.JsonSerializer.Serialize(counts);
        Assert.That(System.Text.Json.JsonSerializer.Deserialize<RankingCounts>(json), Is.EqualTo(counts), json);
        var older = System.Text.Json.JsonSerializer.Deserialize<RankingCounts>("{\"Active\":3,\"Disposed\":2,\"DisposalDays\":12.5}");
        Assert.That(older.DisposalDays, Is.EqualTo(12.5));
        Assert.That(older.DisposalTicks, Is.EqualTo(TimeSpan.FromDays(12.5).Ticks));
    }

    [Test]
    public void A_case_read_as_of_a_moment_is_the_case_as_it_was_then()
    {
        var w1 = Fixture().Single(s => s.Case.Number == "W1");
        var mid = w1.At(D(10));
        Assert.That((mid.Status, mid.Level, mid.FirstBreachAt), Is.EqualTo((CaseStatus.Registered, 2, (DateTimeOffset?)D(13))));
        var end = w1.At(Week.To);
        Assert.That((end.Status, end.Level, end.Satisfied, end.ClosedAt), Is.EqualTo((CaseStatus.Closed, 3, (bool?)true, (DateTimeOffset?)D(4))));
        var now = w1.Case;
        Assert.That((end.Status, end.Level, end.ReopenCount, end.LastActionAt), Is.EqualTo((now.Status, now.Level, now.ReopenCount, now.LastActionAt)),
            "replaying every event gives the case as it is");
    }

    [Test]
    public void The_fold_a_case_carries_is_the_replay_of_its_events_and_survives_storage()
    {
        var stories = Fixture();
        Find(stories, "W2").Resolve(0.5).Unanswered(0.2);
        foreach (var s in stories)
        {
            var carried = s.Case.Replay!;
            Assert.That(carried, Is.EqualTo(CaseHistory.Fold(s.Events, DateTimeOffset.MaxValue)), s.Case.Number);
            Assert.That(CaseReplay.Decode(carried.Encode()), Is.EqualTo(carried), $"{s.Case.Number} stored and read back");
            Assert.That(carried.Fact(CaseRecord.Of(s.Case)), Is.EqualTo(s.At(DateTimeOffset.MaxValue)), s.Case.Number);
        }
        var t1 = Find(stories, "T1").Case.Replay!;
        Assert.That((t1.Level, t1.ChiefSecretaryReview, t1.FirstBreachAt, t1.Status), Is.EqualTo((4, true, (DateTimeOffset?)D(53), CaseStatus.InProgress)),
            "the fixture reaches the fields the encoding carries");
        Assert.That((Find(stories, "E2").Case.Replay!.NotSatisfiedAt, Find(stories, "W2").Case.Replay!.UnansweredAt), Is.EqualTo(((DateTimeOffset?)D(3), (DateTimeOffset?)D(0.2))));
    }

    [Test]
    public void A_fold_from_another_format_is_refused_not_misread()
    {
        var bytes = CaseReplay.Start.Apply(new CaseEvent { Type = CaseEventType.Registered, At = Week.From, Department = "energy", Status = CaseStatus.Registered }).Encode();
        bytes[0] = 9;
        Assert.Throws<FormatException>(() => CaseReplay.Decode(bytes));
    }

    [TestCase(1, 8, 0, "rank 1 of 8 (best)", "8 में से पहला स्थान (सर्वश्रेष्ठ)")]
    [TestCase(8, 8, 0, "rank 8 of 8 (worst)", "8 में से 8वाँ स्थान (सबसे कमज़ोर)")]
    [TestCase(2, 8, 6, "rank 2 of 8 (worst, shared with 6 others)", "8 में से दूसरा स्थान (सबसे कमज़ोर, 6 अन्य के साथ बराबर)")]
    [TestCase(3, 8, 1, "rank 3 of 8 (shared with 1 other)", "8 में से तीसरा स्थान (1 अन्य के साथ बराबर)")]
    [TestCase(1, 4, 3, "rank 1 of 4 (all equal)", "4 में से पहला स्थान (सभी बराबर)")]
    [TestCase(6, 8, 0, "rank 6 of 8", "8 में से छठा स्थान")]
    public void A_rank_is_said_so_it_cannot_be_misread(int rank, int of, int shared, string english, string hindi)
    {
        Assert.That(RankWords.English(rank, of, shared), Is.EqualTo(english));
        Assert.That(RankWords.Hindi(rank, of, shared), Is.EqualTo(hindi));
    }

    [Test]
    public void An_indicator_with_nothing_to_measure_drops_out_and_the_rest_is_rescaled()
    {
        // Only open cases: no disposals, so satisfied and poor-quality shares have no denominator.
        var ranking = Rank([new Story("X1", "energy", "dehradun", 60).Note(1), new Story("X2", "energy", "dehradun", 3).Note(1)], Week);
        // pending 1/2 -> 10 of 20; not attended 0/2 -> 10 of 10; 20 of 30 = 66.67
        Assert.That(ranking.Departments.Single().Score, Is.EqualTo(66.67));
        Assert.That(Value(ranking.Departments.Single(), "satisfied-closure"), Is.Null);
    }

    [TestCase(100, "A")]
    [TestCase(80, "A")]
    [TestCase(79.99, "B")]
    [TestCase(60, "B")]
    [TestCase(40, "C")]
    [TestCase(39.99, "D")]
    [TestCase(0, "D")]
    public void Grade_bands(double score, string grade) => Assert.That(Shipped().GradeFor(score), Is.EqualTo(grade));

    [Test]
    public void Peer_groups_by_volume()
    {
        var card = Shipped();
        Assert.That(new[] { 0L, 100, 101, 1000, 1001 }.Select(card.PeerGroupFor), Is.EqualTo(new[] { "small", "small", "medium", "medium", "large" }));
    }

    [Test]
    public void A_scorecard_with_bad_bands_or_weights_is_refused_with_the_reason()
    {
        var json = File.ReadAllText(Path.Combine(TestDirectory.RepoRoot, "seed", "scorecard.json"));
        var e = Assert.Throws<ScorecardException>(() => Scorecard.Parse(json.Replace("\"minScore\": 60", "\"minScore\": 90")));
        Assert.That(e!.Message, Does.Contain("grade bands must be listed best first"));
        e = Assert.Throws<ScorecardException>(() => Scorecard.Parse(json.Replace("\"days\": 50,", "")));
        Assert.That(e!.Message, Does.Contain("pending-over-50-days"));
    }

    [Test]
    public void The_weekly_period_is_the_previous_Monday_to_Monday_in_IST()
    {
        // Monday 23 November 2026, 09:00 IST
        var p = RankingPeriod.WeekBefore(new DateTimeOffset(2026, 11, 23, 3, 30, 0, TimeSpan.Zero));
        Assert.That(p, Is.EqualTo(Week));
    }

    private static double? Value(RankingRow row, string id) => row.Indicators.Single(i => i.Id == id).Value;

    private static RankingRow Row(Core.Ranking.Ranking ranking, string department) => ranking.Departments.Single(r => r.Department == department);

    private static Story Find(List<Story> stories, string number) => stories.Single(s => s.Case.Number == number);

    private static object Shape(Core.Ranking.Ranking r) => r.Departments.Select(x => (x.Department, x.Score, x.Rank, x.SharedWith, x.Counts)).ToList();
}
