using System.Net;
using CaseFlow.Api.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The designer as an administrator uses it: Debian's Chromium, headless, against the real server on its
/// HTTP/1.1 port, then the effect of the edit checked over gRPC. Due times as in <see cref="EscalationTests"/>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DesignerBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    // Friday 6 November 2026, 10:00 IST.
    private static readonly DateTimeOffset Registered = new(2026, 11, 6, 4, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset Ist(int month, int day, int hour = 10) =>
        new DateTimeOffset(2026, month, day, hour, 0, 0, TimeSpan.FromMinutes(330)).ToUniversalTime();

    private static async Task<CaseFlowHost> StartAsync()
    {
        var clock = new FakeTimeProvider(Registered);
        return await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock), settings: new Dictionary<string, string?>
        {
            ["CaseFlow:Workflows:TimerPoll"] = "00:00:01",
        });
    }

    private static async Task<Api.V1.Case> Register(CaseFlowHost host)
    {
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var c = await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), host.As(PortalKey));
        return await Eventually.Until(() => cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, host.As(PortalKey)).ResponseAsync,
            x => x.DueTime is not null, "the L1 due time");
    }

    private static async Task<(IPlaywright, IBrowser, IPage)> SignInAsync(CaseFlowHost host)
    {
        if (!File.Exists(Chromium))
            Assert.Ignore($"{Chromium} is missing: .ci/run installs it (apt-get install chromium fonts-noto-core).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync($"http://127.0.0.1:{host.HttpPort}/designer/");
        Assert.That(page.Url, Does.Contain("/designer/login"), "anonymous visitors are sent to sign in");
        await page.FillAsync("input[name=user]", "admin");
        await page.FillAsync("input[name=password]", "caseflow-demo");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=definitions] a");
        return (playwright, browser, page);
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }

    private static async Task OpenAsync(IPage page, string definitionId, string activityId)
    {
        await page.ClickAsync($"[data-testid=open-{definitionId}]");
        await page.ClickAsync($"[data-testid=outline-{activityId}]");
        await page.WaitForSelectorAsync("[data-testid=inspector-title]");
    }

    [Test]
    public async Task An_administrator_shortens_the_L1_limit_and_new_cases_follow_it_while_a_running_case_keeps_its_own()
    {
        await using var host = await StartAsync();
        var before = await Register(host);
        Assert.That(before.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 18)), "7 working days under version 1");

        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        var questions = AcceptDialogs(page, "L1 cut to 3 days on the Chief Secretary's orders");
        try
        {
            await OpenAsync(page, "case-escalation", "slaL1");
            Assert.That(await page.InnerTextAsync("[data-testid=words-workingDays]"), Is.EqualTo("7 working days"));
            await page.FillAsync("[data-testid=input-workingDays]", "3");
            Assert.That(await page.InnerTextAsync("[data-testid=words-workingDays]"), Is.EqualTo("3 working days"));
            Assert.That(await page.InnerTextAsync("[data-testid=node-slaL1]"), Does.Contain("3 working days"), "the node shows the limit in words");

            await page.ClickAsync("button:text-is('Save draft')");
            await Expect(page, "[data-testid=status]", "Saved draft v2.");
            await page.ClickAsync("button:text-is('Versions')");
            await page.Locator("[data-testid=history] li", new() { HasText = "v2" }).Locator("button:text-is('Changes from published')").ClickAsync();
            await Expect(page, "[data-testid=diff]", "Working days 7 → 3");
            await Expect(page, "[data-testid=diff]", "From v1 (published) to v2");

            await page.ClickAsync("button:text-is('Publish')");
            await Expect(page, "[data-testid=status]", "Published v2");
            Assert.That(questions.Last(), Does.Contain("Publish v2 in place of v1").And.Contain("Working days 7 → 3").And.Contain("1 running case keeps the version it started on"),
                "publishing says in plain words what changes and whom it touches");
            await Expect(page, "[data-testid=note-2]", "L1 cut to 3 days on the Chief Secretary's orders");
            await Expect(page, "[data-testid=version-2]", "by admin");
            await ScreenshotAsync(page, "designer-case-escalation-published");

            // Second thoughts: version 1 comes back as a new draft; version 2 stays in force until it is published.
            await page.ClickAsync("[data-testid=restore-1]");
            await Expect(page, "[data-testid=status]", "Restored v1 as draft v3.");
            Assert.That(questions.Last(), Does.Contain("Restore v1 as a new draft?"));
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }

        var after = await Register(host);
        Assert.That(after.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 12)), "3 working days under version 2: 7th, 9th, 12th");
        var restored = await new WorkflowService.WorkflowServiceClient(host.Channel).GetWorkflowDefinitionAsync(
            new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, host.As(AdminKey));
        Assert.That((restored.Version, restored.IsPublished), Is.EqualTo((3, false)), "the restored version is a draft");
        Assert.That(restored.Json, Does.Match("\"workingDays\":\\s*\\{[^}]*\"expression\":\\s*\\{[^}]*\"value\":\\s*\"7\""), "with version 1's limit");
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var old = await cases.GetCaseAsync(new GetCaseRequest { Name = before.Name }, host.As(PortalKey));
        Assert.That(old.DueTime.ToDateTimeOffset(), Is.EqualTo(Ist(11, 18)), "the case registered before keeps version 1's limit");

        // The new case's instance, read-only: what it passed and the SLA timer it waits on, on version 2.
        // Typed in small letters, as people do: the case is found all the same.
        await page.GotoAsync($"http://127.0.0.1:{host.HttpPort}/designer/#/instances/{after.Number.ToLowerInvariant()}");
        await page.WaitForSelectorAsync("[data-testid=instance-canvas] [data-testid=node-slaL1].waiting");
        Assert.That(await page.Locator("[data-testid=instance-canvas] [data-testid=node-start].passed").CountAsync(), Is.EqualTo(1), "Start is marked passed");
        await Expect(page, ".toolbar .badge", "case-escalation v2 · waiting");
        await Expect(page, "[data-testid=waits]", "Time limit at L1 (local office): timer, Thu, 12 Nov, 2026, 10:00 IST");
        // The case's own story, in IST and plain words; no engine states or timer tags.
        var timeline = await page.InnerTextAsync("[data-testid=timeline]");
        Assert.That(timeline, Does.Contain("Registered and assigned to the L1 post").And.Contain("Time limit at L1 started").And.Contain("IST"));
        var panel = await page.InnerTextAsync(".inspector");
        Assert.That(panel, Does.Not.Contain("Suspended").And.Not.Contain("K=breach"));
        await ScreenshotAsync(page, "designer-instance");
    }

    [Test]
    public async Task An_ambiguous_duration_typed_as_raw_JSON_is_shown_on_its_node_and_cannot_be_published()
    {
        await using var host = await StartAsync();
        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        AcceptDialogs(page);
        try
        {
            await OpenAsync(page, "urgent-escalation", "slaL1");
            Assert.That(await page.InnerTextAsync("[data-testid=words-duration]"), Is.EqualTo("6 hours"));
            await page.ClickAsync(".raw-editor summary");
            var raw = await page.InputValueAsync("[data-testid=raw-activity]");
            Assert.That(raw, Does.Contain("0.06:00:00"));
            await page.FillAsync("[data-testid=raw-activity]", raw.Replace("0.06:00:00", "72:00:00"));
            await page.ClickAsync("button:text-is('Apply JSON')");
            await Expect(page, "[data-testid=words-duration]", "72 days");

            await page.ClickAsync("button:text-is('Save draft')");
            await Expect(page, "[data-testid=status]", "cannot be published");
            await Expect(page, "[data-testid=node-slaL1] [data-testid=node-issues]", "AMBIGUOUS_DURATION");

            await page.ClickAsync("button:text-is('Publish')");
            await Expect(page, "[data-testid=status]", "Not published");
            await Expect(page, "[data-testid=node-slaL1] [data-testid=node-issues]", "AMBIGUOUS_DURATION");
            await ScreenshotAsync(page, "designer-urgent-escalation-refused");
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }

        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var versions = await workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = "urgent-escalation" }, host.As(AdminKey));
        Assert.That(versions.Definitions.Single(d => d.IsPublished).Version, Is.EqualTo(1), "version 1 stays in force");
        Assert.That(versions.Definitions.Max(d => d.Version), Is.EqualTo(2), "the draft was kept");
    }

    [Test]
    public async Task Deleting_a_connection_by_click_or_context_menu_breaks_the_chain_on_its_node_and_publishing_is_refused()
    {
        await using var host = await StartAsync();
        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        AcceptDialogs(page);
        try
        {
            await page.ClickAsync("[data-testid=open-case-escalation]");
            await page.WaitForSelectorAsync("[data-testid=node-slaL2]");
            Assert.That(await page.Locator("[data-testid=node-slaL2] [data-testid=node-issues]").CountAsync(), Is.Zero, "the shipped chain is whole");

            // Click the L2 breach connection: it is selected (and only it), and Delete removes it.
            // Clicked on its label, which sits on the connection's midpoint (a box around a curve may hold other lines).
            await page.Locator("[data-testid='rf__edge-e:slaL2:Breached:escL2'] .react-flow__edge-text").DispatchEventAsync("click");
            await page.WaitForSelectorAsync("[data-testid='rf__edge-e:slaL2:Breached:escL2'].selected");
            await page.Keyboard.PressAsync("Delete");
            await page.WaitForSelectorAsync("[data-testid='rf__edge-e:slaL2:Breached:escL2']", new() { State = WaitForSelectorState.Detached });
            Assert.That(await page.Locator("[data-testid=node-escL2]").CountAsync(), Is.EqualTo(1), "only the connection went, not its ends");
            await Expect(page, "[data-testid=node-slaL2] [data-testid=node-issues]", "not escalated to L3");

            // The context menu deletes a connection too: without escL2 → notifyHod the HoD notice is never reached.
            await page.Locator("[data-testid='rf__edge-e:escL2:Done:notifyHod'] .react-flow__edge-text").DispatchEventAsync("contextmenu",
                new Dictionary<string, object> { ["bubbles"] = true, ["cancelable"] = true, ["clientX"] = 700, ["clientY"] = 450, ["button"] = 2 });
            await page.ClickAsync("[data-testid=edge-menu-delete]");
            await Expect(page, "[data-testid=node-notifyHod] [data-testid=node-issues]", "UNREACHABLE_ACTIVITY");

            await page.ClickAsync("button:text-is('Publish')");
            await Expect(page, "[data-testid=status]", "Not published");
            await Expect(page, "[data-testid=node-slaL2] [data-testid=node-issues]", "ESCALATION_CHAIN_BROKEN");
            await ScreenshotAsync(page, "designer-broken-chain-refused");
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }

        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var versions = await workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = "case-escalation" }, host.As(AdminKey));
        Assert.That(versions.Definitions.Single(d => d.IsPublished).Version, Is.EqualTo(1), "version 1 stays in force");
        var draft = await workflows.GetWorkflowDefinitionAsync(new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, host.As(AdminKey));
        Assert.That(draft.Version, Is.EqualTo(2), "the broken draft was kept for fixing");
        var connections = System.Text.Json.Nodes.JsonNode.Parse(draft.Json)!["root"]!["connections"]!.AsArray()
            .Select(c => $"{c!["source"]!["activity"]}:{c["source"]!["port"]}>{c["target"]!["activity"]}").ToList();
        Assert.That(connections, Does.Not.Contain("slaL2:Breached>escL2").And.Not.Contain("escL2:Done>notifyHod"));
        Assert.That(connections, Does.Contain("slaL1:Breached>escL1"), "the other connections are untouched");
    }

    [Test]
    public async Task Every_basic_edit_works_drag_connect_rename_undo_redo_copy_paste_export_and_nothing_unsaved_is_lost_without_asking()
    {
        await using var host = await StartAsync();
        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        var dialogs = new List<(string Type, string Message)>();
        var accept = false;
        page.Dialog += async (_, d) =>
        {
            dialogs.Add((d.Type, d.Message));
            if (accept) await d.AcceptAsync(); else await d.DismissAsync();
        };
        try
        {
            await page.ClickAsync("[data-testid=open-case-escalation]");
            await page.WaitForSelectorAsync("[data-testid=node-escL1]");
            var nodes = page.Locator(".react-flow__node");
            var edges = page.Locator(".react-flow__edge");
            var (nodeCount, edgeCount) = (await nodes.CountAsync(), await edges.CountAsync());
            Assert.That(await page.IsDisabledAsync("[data-testid=undo]"), Is.True, "nothing to undo on a fresh open");

            // Drag a Notify from the palette to a spot on the canvas: it lands where it was let go.
            await page.ClickAsync("[data-testid=outline-escL1]");
            var canvas = (await page.Locator("[data-testid=canvas]").BoundingBoxAsync())!;
            await page.Locator("[data-testid='palette-CaseFlow.Notify']").DragToAsync(page.Locator("[data-testid=canvas]"),
                new() { TargetPosition = new() { X = 150, Y = 120 } });
            await page.WaitForSelectorAsync("[data-testid=node-notify1]");
            var dropped = (await page.Locator("[data-testid=node-notify1]").BoundingBoxAsync())!;
            Assert.That(Math.Abs(dropped.X - (canvas.X + 150)), Is.LessThan(60), "dropped where the pointer let go (x)");
            Assert.That(Math.Abs(dropped.Y - (canvas.Y + 120)), Is.LessThan(60), "dropped where the pointer let go (y)");
            Assert.That(await nodes.CountAsync(), Is.EqualTo(nodeCount + 1));

            // The server checks the new activity at once: a Notify with no message cannot be published.
            await Expect(page, "[data-testid=node-notify1] [data-testid=node-issues]", "MISSING_MESSAGE");

            // Connect escL1's Done port to it by dragging between the handles.
            await DragAsync(page, "[data-testid=node-escL1] .react-flow__handle.source[data-handleid=Done]", "[data-testid=node-notify1] .react-flow__handle.target");
            await page.WaitForSelectorAsync("[data-testid='rf__edge-e:escL1:Done:notify1']");

            // Rename it in the property panel: the chart and the outline show the new name.
            await page.ClickAsync("[data-testid=outline-notify1]");
            await page.FillAsync("[data-testid=display-name]", "Tell the L2 officer");
            await Expect(page, "[data-testid=node-notify1] .node-name", "Tell the L2 officer");
            await Expect(page, "[data-testid=outline-notify1]", "Tell the L2 officer");
            await Expect(page, "[data-testid=version-badge]", "unsaved changes");

            // Delete an activity, undo it (it comes back with its connections), redo, undo again.
            await page.ClickAsync("[data-testid=outline-escL3]");
            await page.Keyboard.PressAsync("Delete");
            await page.WaitForSelectorAsync("[data-testid=node-escL3]", new() { State = WaitForSelectorState.Detached });
            var withoutEscL3 = await edges.CountAsync();
            await page.Keyboard.PressAsync("Control+z");
            await page.WaitForSelectorAsync("[data-testid=node-escL3]");
            Assert.That(await edges.CountAsync(), Is.EqualTo(edgeCount + 1), "its connections came back with it");
            await page.Keyboard.PressAsync("Control+Shift+z");
            await page.WaitForSelectorAsync("[data-testid=node-escL3]", new() { State = WaitForSelectorState.Detached });
            Assert.That(await edges.CountAsync(), Is.EqualTo(withoutEscL3));
            await page.ClickAsync("[data-testid=undo]");
            await page.WaitForSelectorAsync("[data-testid=node-escL3]");
            Assert.That(await page.InnerTextAsync("[data-testid=node-notify1] .node-name"), Is.EqualTo("Tell the L2 officer"), "undo went back one step, not to the start");

            // Copy two activities (selected in the outline with Ctrl) and paste them: new ids, the connection between them too.
            await page.ClickAsync("[data-testid=outline-slaL1]");
            await page.ClickAsync("[data-testid=outline-escL1]", new() { Modifiers = [KeyboardModifier.Control] });
            await Expect(page, "[data-testid=multi-selection]", "2 activities selected");
            await page.Keyboard.PressAsync("Control+c");
            await page.Keyboard.PressAsync("Control+v");
            await page.WaitForSelectorAsync("[data-testid=node-slaTimer1]");
            await page.WaitForSelectorAsync("[data-testid=node-escalate1]");
            Assert.That(await page.Locator("[data-testid='rf__edge-e:slaTimer1:Breached:escalate1']").CountAsync(), Is.EqualTo(1), "the connection between the copies is pasted");
            await page.ClickAsync("[data-testid=outline-slaTimer1]");
            Assert.That(await page.InputValueAsync("[data-testid=input-workingDays]"), Is.EqualTo("7"), "the copy keeps the limit");
            await ScreenshotAsync(page, "designer-basic-edits");

            // Export is what is on screen: the unsaved rename and the pasted activities are in the file.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=export]"));
            var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.That(exported, Does.Contain("Tell the L2 officer").And.Contain("\"slaTimer1\""));

            // Importing another definition's file says so and changes nothing when refused.
            var other = Path.Combine(TestPaths.RepoRoot, "workflows", "urgent-escalation.json");
            await page.SetInputFilesAsync("[data-testid=import-file]", other);
            await Expect(page, "[data-testid=status]", "Import cancelled.");
            Assert.That(dialogs.Last().Message, Does.Contain("urgent-escalation").And.Contain("not"), "the question names what the file is");
            Assert.That(await page.Locator("[data-testid=node-notify1]").CountAsync(), Is.EqualTo(1));

            // Leaving with unsaved edits asks first; "stay" keeps everything on screen.
            var asked = dialogs.Count;
            await page.ClickAsync("text=← Definitions");
            await Expect(page, "[data-testid=version-badge]", "unsaved changes");
            Assert.That(dialogs.Count, Is.EqualTo(asked + 1), "leaving asked");
            Assert.That(dialogs.Last().Message, Does.Contain("unsaved changes"));
            Assert.That(page.Url, Does.Contain("definitions/case-escalation"));
            Assert.That(await page.Locator("[data-testid=node-notify1]").CountAsync(), Is.EqualTo(1), "nothing was thrown away");

            // Reloading asks too (the browser's own question); answered "leave", the unsaved work is gone and v1 is shown.
            accept = true;
            await page.ReloadAsync();
            Assert.That(dialogs.Last().Type, Is.EqualTo("beforeunload"));
            await page.WaitForSelectorAsync("[data-testid=node-escL1]");
            Assert.That(await page.Locator("[data-testid=node-notify1]").CountAsync(), Is.Zero);
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }

        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        var versions = await workflows.ListWorkflowDefinitionVersionsAsync(new ListWorkflowDefinitionVersionsRequest { DefinitionId = "case-escalation" }, host.As(AdminKey));
        Assert.That(versions.Definitions.Select(d => d.Version), Is.EqualTo(new[] { 1 }), "nothing was saved behind the administrator's back");
    }

    [Test]
    public async Task A_schedule_reads_in_IST_words_and_its_label_follows_the_expression()
    {
        await using var host = await StartAsync();
        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        try
        {
            await OpenAsync(page, "weekly-ranking", "cron");
            Assert.That(await page.InnerTextAsync("[data-testid=words-cronExpression]"), Is.EqualTo("Every Monday at 09:00 IST"));
            await page.FillAsync("[data-testid=input-cronExpression]", "0 30 3 * * 5");
            await Expect(page, "[data-testid=node-cron] .node-name", "Every Friday at 09:00 IST");
            Assert.That(await page.InnerTextAsync("[data-testid=node-cron]"), Does.Not.Contain("Monday"), "no stale label on the chart");
            await page.FillAsync("[data-testid=input-cronExpression]", "30 3 * * 5");
            await Expect(page, "[data-testid=words-cronExpression]", "six fields");
            await page.ClickAsync("button:text-is('Validate')");
            await Expect(page, "[data-testid=node-cron] [data-testid=node-issues]", "cron");
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }
    }

    [Test]
    public async Task Inputs_are_edited_as_what_they_are_and_a_wrong_value_is_said_on_the_spot_and_on_the_node()
    {
        await using var host = await StartAsync();
        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        try
        {
            await OpenAsync(page, "case-escalation", "slaL1");
            // The warning share is a percentage on screen and a fraction in the JSON.
            Assert.That(await page.InputValueAsync("[data-testid=input-warningShare]"), Is.EqualTo("75"));
            await page.FillAsync("[data-testid=input-warningShare]", "50");
            await Expect(page, "[data-testid=words-warningShare]", "warn when 50 % of the limit has passed");
            await page.ClickAsync(".raw-editor summary");
            Assert.That(await page.InputValueAsync("[data-testid=raw-activity]"), Does.Contain("\"0.5\""));

            // Working days: whole numbers in the descriptor's range; 3.5 is not quietly read as 35.
            await page.FillAsync("[data-testid=input-workingDays]", "3.5");
            await Expect(page, "[data-testid=problem-workingDays]", "whole number from 1 to 250");
            await Expect(page, "[data-testid=node-slaL1] [data-testid=node-issues]", "INVALID_NUMBER");
            await page.FillAsync("[data-testid=input-workingDays]", "0");
            await Expect(page, "[data-testid=problem-workingDays]", "out of range");
            await page.FillAsync("[data-testid=input-workingDays]", "5");
            await Expect(page, "[data-testid=words-workingDays]", "5 working days");
            Assert.That(await page.Locator("[data-testid=input-calendar] option").AllInnerTextsAsync(), Does.Contain("uttarakhand"),
                "the calendar is chosen from the server's calendars");

            // The recipient is a choice from the descriptor; the message's placeholders are checked as they are typed.
            await page.ClickAsync("[data-testid=outline-notifyHod]");
            var options = await page.Locator("[data-testid=input-recipient] option").AllInnerTextsAsync();
            Assert.That(options, Is.SupersetOf(new[] { "assigned-officer", "head-of-department", "complainant" }));
            Assert.That(await page.InnerTextAsync("[data-testid=inspector]"), Does.Contain("{case}"), "the placeholders are listed");
            await page.FillAsync("[data-testid=input-message]", "Case {caseNumber} needs you");
            await Expect(page, "[data-testid=node-notifyHod] [data-testid=node-issues]", "UNKNOWN_PLACEHOLDER");
            await page.FillAsync("[data-testid=input-message]", "Case {case} needs you by {due}");
            await page.ClickAsync("button:text-is('Validate')");
            await Expect(page, "[data-testid=status]", "Valid");
            await ScreenshotAsync(page, "designer-typed-editors");
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }
    }

    [Test]
    public async Task The_rules_table_and_the_chart_are_one_flow_in_Hindi_or_English_and_a_limit_changed_in_either_shows_in_both()
    {
        await using var host = await StartAsync();
        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        AcceptDialogs(page);
        try
        {
            await page.ClickAsync("[data-testid=open-case-escalation]");
            await page.WaitForSelectorAsync("[data-testid=node-slaL2]");
            // Lines into the shared joins (resolved, disposed, back to work) are bundled: the join says how many arrive,
            // the ports say where they go; "Show all connections" draws every line.
            Assert.That(await page.InnerTextAsync("[data-testid=node-joinEnd] [data-testid=arriving]"), Does.Match("\\d+ ways lead here"));
            var drawn = await page.Locator(".react-flow__edge").CountAsync();
            await page.ClickAsync("[data-testid=bundle]");
            // A locator wait, not WaitForFunction: once its first check fails, Playwright polls a string predicate through
            // eval in the page, which the designer's Content-Security-Policy (no 'unsafe-eval') refuses.
            await page.Locator(".react-flow__edge").Nth(drawn).WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await page.ClickAsync("[data-testid=bundle]");
            await page.ClickAsync("[data-testid=rules-toggle]");
            await page.WaitForSelectorAsync("[data-testid=rule-L4]");
            Assert.That(await page.Locator("[data-testid=rules] tbody tr").CountAsync(), Is.EqualTo(4), "one row per level");
            Assert.That(await page.InnerTextAsync("[data-testid=rule-L3]"), Does.Contain("Head of Department").And.Contain("escalate to L4"));
            Assert.That(await page.InnerTextAsync("[data-testid=rule-L4]"), Does.Contain("Chief Secretary's review list"));
            Assert.That(await page.InputValueAsync("[data-testid=rule-L2-days]"), Is.EqualTo("5"));
            Assert.That(await page.InputValueAsync("[data-testid=rule-L1-warn]"), Is.EqualTo("75"));

            // A cell edits the node...
            await page.FillAsync("[data-testid=rule-L2-days]", "3");
            await Expect(page, "[data-testid=node-slaL2]", "3 working days");
            // ...and the node edits the cell.
            await page.ClickAsync("[data-testid=outline-slaL1]");
            await page.FillAsync("[data-testid=input-workingDays]", "6");
            await page.ClickAsync("[data-testid=rules-toggle]");
            Assert.That(await page.InputValueAsync("[data-testid=rule-L1-days]"), Is.EqualTo("6"));

            // Breaking the chain shows in the table too: L2's breach no longer escalates.
            await page.Locator("[data-testid='rf__edge-e:slaL2:Breached:escL2'] .react-flow__edge-text").DispatchEventAsync("click");
            await page.Keyboard.PressAsync("Delete");
            await Expect(page, "[data-testid=rule-L2]", "nothing — the chain is broken here");
            await page.Keyboard.PressAsync("Control+z");
            await Expect(page, "[data-testid=rule-L2]", "escalate to L3");

            // Tidy layout puts the levels in lanes from left to right; Undo gives the administrator's positions back.
            await page.ClickAsync("[data-testid=tidy]");
            await Expect(page, "[data-testid=status]", "Laid out as lanes");
            await page.WaitForTimeoutAsync(300);
            var l1 = (await page.Locator("[data-testid=node-slaL1]").BoundingBoxAsync())!;
            var l2 = (await page.Locator("[data-testid=node-slaL2]").BoundingBoxAsync())!;
            Assert.That(l2.X - l1.X, Is.GreaterThan(400), "L2's limit a lane to the right of L1's");
            Assert.That(Math.Abs(l2.Y - l1.Y), Is.LessThan(2), "on one line");
            await page.ClickAsync(".react-flow__controls-fitview");
            await ScreenshotAsync(page, "designer-tidy-layout");
            await page.Keyboard.PressAsync("Control+z");
            await Expect(page, "[data-testid=status]", "Undone.");

            // Hindi: the page, the table and the activity names from the server's descriptors; the choice is remembered.
            await page.ClickAsync("[data-testid=language]");
            await Expect(page, "[data-testid=rules] thead", "स्तर");
            await Expect(page, "[data-testid=rule-L3]", "विभागाध्यक्ष");
            await Expect(page, "[data-testid=rule-L3]", "L4 पर भेजें");
            Assert.That(await page.InnerTextAsync("[data-testid=save]"), Is.EqualTo("मसौदा सहेजें"));
            Assert.That(await page.InnerTextAsync("[data-testid='palette-CaseFlow.SlaTimer']"), Is.EqualTo("SLA समय-सीमा"));
            Assert.That(await page.InnerTextAsync("[data-testid=node-slaL1] .node-type"), Is.EqualTo("SLA समय-सीमा"));
            await ScreenshotAsync(page, "designer-rules-hindi");
            // The property panel's inputs take their Hindi names from the descriptors too; the status line speaks Hindi.
            await page.ClickAsync("[data-testid=outline-slaL1]");
            await Expect(page, "[data-testid=inspector]", "कार्य दिवस");
            await Expect(page, "[data-testid=palette]", "केसफ़्लो");
            await page.ClickAsync("[data-testid=save]");
            await Expect(page, "[data-testid=status]", "मसौदा v2 सहेजा गया");
            await page.ClickAsync("[data-testid=undo]");
            await Expect(page, "[data-testid=status]", "पूर्ववत किया गया");
            await page.ClickAsync("[data-testid=redo]");
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("[data-testid=node-slaL1]");
            Assert.That(await page.InnerTextAsync("[data-testid=language]"), Is.EqualTo("English"), "Hindi is remembered");
            Assert.That(await page.InnerTextAsync("[data-testid=publish]"), Is.EqualTo("प्रकाशित करें"));
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }

        var saved = await new WorkflowService.WorkflowServiceClient(host.Channel).GetWorkflowDefinitionAsync(
            new GetWorkflowDefinitionRequest { DefinitionId = "case-escalation" }, host.As(AdminKey));
        var slas = System.Text.Json.Nodes.JsonNode.Parse(saved.Json)!["root"]!["activities"]!.AsArray()
            .Where(a => (string?)a!["id"] is "slaL1" or "slaL2").ToDictionary(a => (string)a!["id"]!, a => (string?)a!["workingDays"]!["expression"]!["value"]);
        Assert.That(slas, Is.EqualTo(new Dictionary<string, string?> { ["slaL1"] = "6", ["slaL2"] = "3" }), "the draft holds both edits");
        var shipped = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "workflows", "case-escalation.json")))!;
        string Position(System.Text.Json.Nodes.JsonNode d) => d["root"]!["activities"]!.AsArray().Single(a => (string?)a!["id"] == "slaL2")!["metadata"]!["designer"]!["position"]!.ToJsonString();
        Assert.That(Position(System.Text.Json.Nodes.JsonNode.Parse(saved.Json)!), Is.EqualTo(Position(shipped)), "the tidy layout was undone: the positions are the administrator's");
    }

    [Test]
    public async Task Before_publishing_the_simulator_and_the_what_if_show_what_a_shorter_L1_limit_would_do()
    {
        // Three open cases, registered on Friday 6, Monday 9 and Thursday 12 November at 10:00; now is the 12th at noon.
        var clock = new FakeTimeProvider(Registered);
        await using var host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(clock));
        var cases = new CaseService.CaseServiceClient(host.Channel);
        foreach (var day in new[] { 6, 9, 12 })
        {
            clock.SetUtcNow(Ist(11, day));
            await cases.CreateCaseAsync(Requests.NewCase(category: "power-supply", district: "dehradun"), host.As(PortalKey));
        }
        clock.SetUtcNow(Ist(11, 12, 12));

        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        try
        {
            await page.ClickAsync("[data-testid=open-case-escalation]");
            await page.WaitForSelectorAsync("[data-testid=node-slaL1]");
            await page.ClickAsync("[data-testid=rules-toggle]");
            await page.FillAsync("[data-testid=rule-L1-days]", "3");
            await page.ClickAsync("[data-testid=preview-toggle]");

            // A case registered Friday 6 Nov 10:00 under the draft: 7 (first Saturday), 9, 12 -> Thursday 12th at L1;
            // then 13, 16, 17, 18, 19 (the second Saturday and Sunday skipped) -> Thursday 19th at L2.
            await page.ClickAsync("[data-testid=sim-run]");
            await Expect(page, "[data-testid=sim-L1]", "Thu 12 Nov 2026, 10:00 IST");
            await Expect(page, "[data-testid=sim-L2]", "Thu 19 Nov 2026, 10:00 IST");
            await Expect(page, "[data-testid=sim-L1]", "Sub-Divisional Officer");

            // Open cases: v1 (7 days) has them due on the 18th, 21st and 23rd, all within 7 working days and none past;
            // the draft would have the first past its limit already (12th 10:00) and the others due on the 16th and 17th.
            await page.ClickAsync("[data-testid=whatif-run]");
            await Expect(page, "[data-testid=whatif-L1-past-published]", "0");
            Assert.That(await page.InnerTextAsync("[data-testid=whatif-L1-past-draft]"), Is.EqualTo("1"));
            Assert.That(await page.InnerTextAsync("[data-testid=whatif-L1-soon-published]"), Is.EqualTo("3"));
            Assert.That(await page.InnerTextAsync("[data-testid=whatif-L1-soon-draft]"), Is.EqualTo("2"));
            await ScreenshotAsync(page, "designer-preview");
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }
        var versions = await new WorkflowService.WorkflowServiceClient(host.Channel).ListWorkflowDefinitionVersionsAsync(
            new ListWorkflowDefinitionVersionsRequest { DefinitionId = "case-escalation" }, host.As(AdminKey));
        Assert.That(versions.Definitions.Select(d => d.Version), Is.EqualTo(new[] { 1 }), "previewing saves nothing");
    }

    /// <summary>Answers yes to every question the page asks, and keeps the questions.</summary>
    /// <param name="answer">What to type where the page asks for text (the note on publishing).</param>
    [Test]
    public async Task Composites_say_what_they_hold_and_a_workflow_from_the_palette_pins_its_child_and_opens_it()
    {
        await using var host = await StartAsync();
        var workflows = new WorkflowService.WorkflowServiceClient(host.Channel);
        foreach (var name in new[] { "amount-check", "amount-router", "complete-nested" })
        {
            var json = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "CaseFlow.Workflows.Tests", "Fixtures", "composites", name + ".json"));
            await workflows.SaveWorkflowDraftAsync(new SaveWorkflowDraftRequest { Json = json }, host.As(AdminKey));
            await workflows.PublishWorkflowDefinitionAsync(new PublishWorkflowDefinitionRequest { DefinitionId = name }, host.As(AdminKey));
        }
        var (playwright, browser, page) = await SignInAsync(host);
        using var _ = playwright;
        await using var __ = browser;
        var asked = AcceptDialogs(page);
        try
        {
            // A nested flowchart: the chart marks it, the inspector lists what it holds.
            await OpenAsync(page, "complete-nested", "fc");
            await Expect(page, "[data-testid=node-fc] [data-testid=node-composite]", "4 inside");
            await Expect(page, "[data-testid=composite]", "Holds 4 activities");
            await Expect(page, "[data-testid=child-done]", "Elsa.Complete");

            // A workflow used as an activity: its ports are the child's outcomes, and it links to the child.
            await page.GotoAsync($"http://127.0.0.1:{host.HttpPort}/designer/#/");
            await OpenAsync(page, "amount-router", "chk");
            await Expect(page, "[data-testid=node-chk] [data-testid=node-composite]", "workflow amount-check");
            Assert.That(await page.Locator("[data-testid=node-chk] .react-flow__handle.source[data-handleid=Escalate]").CountAsync(), Is.EqualTo(1));
            await Expect(page, "[data-testid=composite]", "amount-check");

            // The palette offers the published child under its own type; a dropped one pins it.
            await page.Locator("[data-testid='palette-AmountCheck']").DragToAsync(page.Locator("[data-testid=canvas]"), new() { TargetPosition = new() { X = 200, Y = 300 } });
            await page.WaitForSelectorAsync("[data-testid=node-amountCheck1]");
            await Expect(page, "[data-testid=node-amountCheck1] [data-testid=node-composite]", "workflow amount-check");
            await ScreenshotAsync(page, "designer-composites");

            // Opening the child asks first (the drop is unsaved), then shows the child's own flow.
            await page.ClickAsync("[data-testid=outline-amountCheck1]");
            await page.ClickAsync("[data-testid=open-child]");
            await page.WaitForSelectorAsync("[data-testid=node-d1]");
            Assert.That(page.Url, Does.EndWith("#/definitions/amount-check"));
            Assert.That(asked, Has.Some.Contains("unsaved"), "leaving with the dropped activity unsaved was asked about");
        }
        catch
        {
            await ScreenshotAsync(page, "designer-failure");
            throw;
        }
    }

    private static List<string> AcceptDialogs(IPage page, string? answer = null)
    {
        var asked = new List<string>();
        page.Dialog += async (_, d) =>
        {
            asked.Add(d.Message);
            await d.AcceptAsync(d.Type == "prompt" ? answer ?? "" : null);
        };
        return asked;
    }

    /// <summary>A press on one element, a move in steps (React Flow follows the pointer) and a release on the other.</summary>
    private static async Task DragAsync(IPage page, string from, string to)
    {
        var a = (await page.Locator(from).BoundingBoxAsync())!;
        var b = (await page.Locator(to).BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(a.X + a.Width / 2, a.Y + a.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(a.X + a.Width / 2 + 10, a.Y + a.Height / 2 + 10, new() { Steps = 3 });
        await page.Mouse.MoveAsync(b.X + b.Width / 2, b.Y + b.Height / 2, new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }

    /// <summary>Waits for the text, as the page updates after a server round trip.</summary>
    private static async Task Expect(IPage page, string selector, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var locator = page.Locator(selector);
            last = await locator.CountAsync() > 0 ? await locator.First.InnerTextAsync() : "(not on the page)";
            if (last.Contains(text, StringComparison.Ordinal)) return;
            await Task.Delay(100);
        }
        Assert.Fail($"'{selector}' never showed '{text}'; last: {last}");
    }
}
