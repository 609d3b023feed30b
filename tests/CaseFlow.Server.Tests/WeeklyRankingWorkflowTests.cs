using CaseFlow.Server.Hosting;
using CaseFlow.Api.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>workflows/weekly-ranking.json on the real server: the Monday cron, the archive, and mail through a real SMTP server.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class WeeklyRankingWorkflowTests(DatabaseProvider provider)
{
    private static DateTimeOffset Ist(int month, int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromMinutes(330)).ToUniversalTime();

    [Test]
    public async Task The_cron_fires_on_Monday_at_09_00_IST_and_archives_and_mails_the_circulars()
    {
        await using var smtp = new SmtpSink();
        // Tuesday 24 November 2026, 10:00 IST.
        var clock = new FakeTimeProvider(Ist(11, 24, 10));
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock), settings: new Dictionary<string, string?>
        {
            ["CaseFlow:Workflows:TimerPoll"] = "00:00:00.200",
            ["CaseFlow:Smtp:Host"] = "127.0.0.1",
            ["CaseFlow:Smtp:Port"] = smtp.Port.ToString(),
        }, provider: provider);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), host.As(PortalKey));
        await cases.CreateCaseAsync(Requests.NewCase(category: "water-supply", district: "haridwar"), host.As(PortalKey));
        var circulars = new CircularService.CircularServiceClient(host.Channel);

        clock.SetUtcNow(Ist(11, 30, 8, 59));
        await Task.Delay(600);
        Assert.That((await circulars.ListCircularsAsync(new ListCircularsRequest(), host.As(ReadOnlyKey))).Circulars, Is.Empty, "not a minute early");

        clock.SetUtcNow(Ist(11, 30, 9, 0));
        var list = await Eventually.Until(() => circulars.ListCircularsAsync(new ListCircularsRequest(), host.As(ReadOnlyKey)).ResponseAsync,
            r => r.Circulars.Count > 0 && r.Circulars.All(c => c.DeliverTime is not null), "the delivered circulars", seconds: 60);

        // State-wide in Hindi and English, and each ranked department's HoD circular in both.
        Assert.That(list.Circulars.Select(c => (c.Kind, c.Language, c.Department)), Is.EquivalentTo(new[]
        {
            ("state-ranking", "hi", ""), ("state-ranking", "en", ""),
            ("hod-overdue", "hi", "energy"), ("hod-overdue", "en", "energy"),
            ("hod-overdue", "hi", "drinking-water"), ("hod-overdue", "en", "drinking-water"),
        }));
        var state = list.Circulars.Single(c => c.Kind == "state-ranking" && c.Language == "hi");
        Assert.That(state.LetterNumber, Does.StartWith("ITDA/CMHL/2026-11-23/"), "numbered by the first day of the period");
        Assert.That(state.DeliveryNote, Does.StartWith("Mailed to"));
        var full = await circulars.GetCircularAsync(new GetCircularRequest { Id = state.Id }, host.As(ReadOnlyKey));
        Assert.That(full.Html.ToStringUtf8(), Does.Contain("विभागों की रैंकिंग"));
        Assert.That(full.Html.ToStringUtf8(), Does.Contain("30 नवम्बर 2026"));
        if (File.Exists("/usr/bin/chromium"))
            Assert.That(full.Pdf.Length, Is.GreaterThan(1000), "printed with Chromium");
        else
            Assert.That(full.PdfSkippedReason, Does.Contain("Chromium"));

        await Eventually.Until(() => Task.FromResult(smtp.Messages.Count), n => n >= 6, "six mails on the SMTP server");
        var mails = smtp.Messages.ToList();
        var hindi = mails.Single(m => (m.Message.Subject ?? "").Contains("विभागों की रैंकिंग"));
        Assert.That(hindi.Recipients, Does.Contain("hod@energy.uk.example").And.Contain("hod@revenue.uk.example"), "every HoD gets the state-wide circular");
        Assert.That(mails.Single(m => (m.Message.Subject ?? "").Contains("past their time limit") && (m.Message.Subject ?? "").Contains("Energy")).Recipients,
            Is.EqualTo(new[] { "hod@energy.uk.example" }));
        if (File.Exists("/usr/bin/chromium"))
            Assert.That(hindi.Message.Attachments.Count(), Is.EqualTo(1), "the PDF is attached");
        Assert.That(mails, Has.Count.EqualTo(6), "each circular mailed once");
    }
}
