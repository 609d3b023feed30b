using CaseFlow.Core.Cases;
using CaseFlow.Core.Escalation;

namespace CaseFlow.Core.Tests;

/// <summary>Notices as the officer receives them: to the post meant, with the case's facts in place of the placeholders.</summary>
public sealed class NoticeTests
{
    private static Case EnergyCaseAtL3() => new()
    {
        Number = "UK-2026-000042", Department = "energy", District = "dehradun", Category = "power-supply", Level = 3, AssignedPostId = "energy-l3",
        DueAt = new DateTimeOffset(2026, 12, 2, 4, 30, 0, TimeSpan.Zero), Replay = Ranking.CaseReplay.Start,
    };

    [TestCase("l2-post", "To Executive Engineer, Electricity Distribution Division, UPCL, Dehradun: ")]
    [TestCase("l1-post", "To Sub-Divisional Officer (SDO), Electricity Distribution Sub-Division, UPCL, Dehradun: ")]
    [TestCase("assigned-officer", "To Managing Director, UPCL (Head of Department): ")]
    [TestCase("head-of-department", "To Managing Director, UPCL (Head of Department): ")]
    [TestCase("complainant", "To the complainant: ")]
    [TestCase("district-magistrate", "To District Magistrate, Dehradun: ")]
    [TestCase("chief-secretary-cell", "To the Chief Secretary's review cell: ")]
    public void A_notice_reaches_the_post_named_whoever_holds_the_case_now(string recipient, string to)
    {
        var e = new NotifyCase("UK-2026-000042", recipient, "Complaint {case} ({category}, {district}) is at {level}, due {due}.")
            .Apply(EnergyCaseAtL3(), TestDirectory.Seed(), DateTimeOffset.UnixEpoch).Single();
        Assert.That(e.Text, Does.StartWith(to));
        Assert.That(e.Text, Does.EndWith("Complaint UK-2026-000042 (Power supply, Dehradun) is at L3, due 2 Dec 2026 10:00 IST."));
    }

    [Test]
    public void Only_known_placeholders_may_be_used_and_each_unknown_one_is_named_once()
    {
        Assert.That(NoticeText.Unknown("Case {case} {caseNumber} {caseNumber} {} at {level}"), Is.EqualTo(new[] { "caseNumber", "" }));
        Assert.That(NoticeText.Unknown("Plain words, no braces."), Is.Empty);
    }
}
