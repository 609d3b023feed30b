using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Tests;

public sealed class CaseStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 4, 30, 0, TimeSpan.Zero);
    private readonly Directory.DirectorySnapshot _dir = TestDirectory.Seed();

    private Case NewCase() => new()
    {
        Number = "UK-2026-000001", Department = "energy", District = "dehradun", Level = 1, AssignedPostId = "energy-dehradun-l1",
        Status = CaseStatus.InProgress, DueAt = T0.AddDays(5),
    };

    [Test]
    public void A_reversed_special_close_restores_the_clock_as_it_stood_when_proposed()
    {
        var c = NewCase();
        // Proposed with 3 days left, approved, and reversed in review 40 days later.
        CaseStateMachine.ProposeSpecialClose(c, T0.AddDays(2), _dir.FindPost("energy-dehradun-l1")!, "sub-judice", "Writ pending");
        Assert.That(c.DueAt, Is.Null, "the clock stops while the proposal is pending");
        CaseStateMachine.DecideSpecialClose(c, T0.AddDays(4), _dir.FindPost("energy-l3")!, approve: true, sampledForReview: true);
        CaseStateMachine.ReviewSpecialClose(c, T0.AddDays(42), uphold: false);

        Assert.That(c.Status, Is.EqualTo(CaseStatus.Reopened));
        Assert.That(c.DueAt, Is.EqualTo(T0.AddDays(42) + TimeSpan.FromDays(3)));
        Assert.That(c.ClosedAt, Is.Null);
    }

    [Test]
    public void A_rejected_proposal_restores_the_status_and_clock()
    {
        var c = NewCase();
        CaseStateMachine.ProposeTransfer(c, T0.AddDays(1), null, "public-works", "PWD road", _dir);
        CaseStateMachine.DecideTransfer(c, T0.AddDays(3), null, supervisor: true, approve: false, _dir);

        Assert.That(c.Status, Is.EqualTo(CaseStatus.InProgress));
        Assert.That(c.DueAt, Is.EqualTo(T0.AddDays(3) + TimeSpan.FromDays(4)));
    }

    [Test]
    public void A_refused_transition_leaves_the_case_untouched()
    {
        var c = NewCase();
        var before = (c.Status, c.Version, c.DueAt, c.Level);

        Assert.Throws<CaseFlowException>(() => CaseStateMachine.RecordFeedback(c, T0, true, 5));
        Assert.Throws<CaseFlowException>(() => CaseStateMachine.DecideSpecialClose(c, T0, _dir.FindPost("energy-l3")!, true, true));
        Assert.Throws<CaseFlowException>(() => CaseStateMachine.ProposeSpecialClose(c, T0, _dir.FindPost("energy-l3")!, "duplicate", "x"));
        Assert.Throws<CaseFlowException>(() => CaseStateMachine.ForceClose(c, T0, _dir.FindPost("energy-l4")!, enabled: false));

        Assert.That((c.Status, c.Version, c.DueAt, c.Level), Is.EqualTo(before));
    }

    [Test]
    public void Force_close_where_enabled_needs_the_L4_post()
    {
        var c = NewCase();
        var e = Assert.Throws<CaseFlowException>(() => CaseStateMachine.ForceClose(c, T0, _dir.FindPost("energy-l3")!, enabled: true));
        Assert.That(e!.Kind, Is.EqualTo(ErrorKind.PermissionDenied));

        CaseStateMachine.ForceClose(c, T0, _dir.FindPost("energy-l4")!, enabled: true);
        Assert.That(c.Status, Is.EqualTo(CaseStatus.ForceClosed));
    }

    [Test]
    public void Review_sampling_is_stable_and_near_the_configured_share()
    {
        var policy = new ClosurePolicy(SpecialCloseReviewShare: 0.25);
        var sampled = Enumerable.Range(1, 4000).Count(i => policy.SampledForReview($"UK-2026-{i:D6}"));

        Assert.That(sampled, Is.InRange(850, 1150));
        Assert.That(policy.SampledForReview("UK-2026-000042"), Is.EqualTo(policy.SampledForReview("UK-2026-000042")));
        Assert.That(new ClosurePolicy().SampledForReview("UK-2026-000042"), Is.True, "by default every special close is reviewed");
    }
}
