using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaseFlow.Api.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The designer's read-only preview of a draft before it is published, against hand-computed dates on the Uttarakhand
/// calendar (Sundays and second Saturdays off; Diwali 8, Govardhan 10, Bhai Dooj 11, Igas 20, Guru Nanak 24 November 2026).
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class DesignerPreviewTests(DatabaseProvider provider)
{
    private static DateTimeOffset Ist(int month, int day, int hour = 10) => new DateTimeOffset(2026, month, day, hour, 0, 0, TimeSpan.FromMinutes(330)).ToUniversalTime();

    /// <summary>The shipped escalation with the L1 limit (the first "workingDays") set to <paramref name="days"/>.</summary>
    private static string WithL1Days(string json, int days) =>
        new Regex("(\"workingDays\":\\s*\\{[^}]*\"expression\":\\s*\\{[^}]*\"value\":\\s*)\"7\"").Replace(json, $"$1\"{days}\"", 1);

    private static async Task<string> Shipped(CaseFlowHost host) =>
        (await new WorkflowService.WorkflowServiceClient(host.Channel).GetWorkflowDefinitionAsync(
            new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, host.As(AdminKey))).Json;

    [Test]
    public async Task The_simulator_gives_each_levels_due_date_and_post_across_the_holidays()
    {
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Ist(11, 1))), provider: provider);
        using var designer = await DesignerClient.SignedInAsync(host);
        var json = await Shipped(host);

        var shipped = await Simulate(designer, json);
        // Friday 6 Nov 10:00: 7 working days skip Diwali Sunday, Govardhan, Bhai Dooj and the second Saturday -> 18th;
        // 5 more skip Igas, Sunday and Guru Nanak -> 26th; 5 more -> 2 Dec; 5 more (the first Saturday works) -> 8 Dec.
        Assert.That(shipped.Select(l => l.Due), Is.EqualTo(new[] { Ist(11, 18), Ist(11, 26), Ist(12, 2), Ist(12, 8) }));
        Assert.That(shipped.Select(l => l.Post), Is.EqualTo(new[]
        {
            "Sub-Divisional Officer (SDO), Electricity Distribution Sub-Division, UPCL, Dehradun", "Executive Engineer, Electricity Distribution Division, UPCL, Dehradun",
            "Managing Director, UPCL (Head of Department)", "Secretary, Energy, Government of Uttarakhand",
        }));

        // A draft with 3 working days at L1: 7 (the first Saturday), 9, 12 -> Thursday 12th; the levels after it move up.
        var draft = await Simulate(designer, WithL1Days(json, 3));
        Assert.That(draft[0].Due, Is.EqualTo(Ist(11, 12)));
        // L2 from the 12th: 13, 16, 17, 18, 19 -> 19th.
        Assert.That(draft[1].Due, Is.EqualTo(Ist(11, 19)));

        var bad = await designer.PostAsync("/designer/api/simulate?registered=yesterday&district=dehradun", json);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("registered"));
        var nowhere = await designer.PostAsync("/designer/api/simulate?registered=2026-11-06T10:00&district=atlantis", json);
        Assert.That(await nowhere.Content.ReadAsStringAsync(), Does.Contain("atlantis"));
    }

    [Test]
    public async Task What_if_counts_the_open_cases_past_their_limit_and_due_within_seven_working_days_under_the_draft_and_the_published_version()
    {
        var clock = new FakeTimeProvider(Ist(11, 6));
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock), provider: provider);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        async Task Register() => await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), host.As(PortalKey));
        await Register();                  // A: Friday 6 Nov 10:00
        clock.SetUtcNow(Ist(11, 9));
        await Register();                  // B: Monday 9 Nov 10:00
        clock.SetUtcNow(Ist(11, 12));
        await Register();                  // C: Thursday 12 Nov 10:00
        clock.SetUtcNow(Ist(11, 12, 12));  // now; "soon" runs to Monday 23 Nov 12:00

        using var designer = await DesignerClient.SignedInAsync(host);
        var response = await designer.PostAsync("/designer/api/what-if", WithL1Days(await Shipped(host), 3));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("openCases").GetInt32(), Is.EqualTo(3));
        var l1 = body.GetProperty("levels").EnumerateArray().Single(l => l.GetProperty("level").GetInt32() == 1);
        // Published, 7 days: A due 18th, B 21st (the second Saturday and Igas skipped), C 23rd: none past, all three within the week.
        Assert.That((l1.GetProperty("published").GetProperty("pastLimit").GetInt32(), l1.GetProperty("published").GetProperty("withinSoon").GetInt32()), Is.EqualTo((0, 3)));
        // Draft, 3 days: A due 12th 10:00 (past now), B 16th, C 17th.
        Assert.That((l1.GetProperty("draft").GetProperty("pastLimit").GetInt32(), l1.GetProperty("draft").GetProperty("withinSoon").GetInt32()), Is.EqualTo((1, 2)));
        var l2 = body.GetProperty("levels").EnumerateArray().Single(l => l.GetProperty("level").GetInt32() == 2);
        Assert.That(l2.GetProperty("cases").GetInt32(), Is.Zero);

        var again = await new CaseService.CaseServiceClient(host.Channel).ListCasesAsync(new ListCasesRequest { Parent = "departments/energy" }, host.As(EnergyKey));
        Assert.That(again.Cases.Select(c => c.DueTime.ToDateTimeOffset()), Is.EquivalentTo(new[] { Ist(11, 18), Ist(11, 21), Ist(11, 23) }),
            "read-only: the cases keep the limits of the version they run on");
    }

    private sealed record Level(DateTimeOffset? Due, string? Post);

    private static async Task<List<Level>> Simulate(DesignerClient designer, string json)
    {
        var response = await designer.PostAsync("/designer/api/simulate?registered=2026-11-06T10:00&district=dehradun&category=power-supply", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonDocument.Parse(body).RootElement.GetProperty("levels").EnumerateArray()
            .Select(l => new Level(l.GetProperty("due").ValueKind == JsonValueKind.Null ? null : l.GetProperty("due").GetDateTimeOffset(), l.GetProperty("post").GetString()))
            .ToList();
    }
}
