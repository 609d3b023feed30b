using CaseFlow.Server.Hosting;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CaseFlow.Api.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>The designer's sign-in and API as an attacker on the same site, a guesser and a careless administrator meet them.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class DesignerSecurityTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _clock = null!;
    private CaseFlowHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _clock = new FakeTimeProvider(Now);
        _host = await CaseFlowHost.StartAsync(s => s.AddSingleton<TimeProvider>(_clock), provider: provider);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Workflow() => File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "workflows", "urgent-escalation.json"));

    [Test]
    public async Task Anonymous_callers_get_401_from_the_API_and_the_sign_in_page_from_the_app()
    {
        using var anonymous = DesignerClient.For(_host);
        Assert.That((await anonymous.Http.GetAsync("/designer/api/definitions")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var page = await anonymous.Http.GetAsync("/designer/");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(page.Headers.Location!.ToString(), Does.StartWith("/designer/login"));
        Assert.That((await anonymous.PostAsync("/designer/api/drafts", Workflow(), withToken: false)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_right_password_signs_in_with_a_strict_http_only_cookie()
    {
        using var client = DesignerClient.For(_host);
        var right = await client.SignInAsync("admin", DesignerClient.Password);
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var cookie = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("caseflow-designer=", StringComparison.Ordinal));
        Assert.That(cookie, Does.Contain("httponly").IgnoreCase.And.Contain("samesite=strict").IgnoreCase);
    }

    [Test]
    public async Task Changes_without_the_anti_forgery_token_or_from_another_origin_are_refused()
    {
        using var client = await DesignerClient.SignedInAsync(_host);
        var before = (await client.Http.GetStringAsync("/designer/api/definitions/urgent-escalation/versions")).Length;

        var plainText = await client.PostAsync("/designer/api/drafts", Workflow(), withToken: false, contentType: "text/plain");
        Assert.That(plainText.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a cross-site form can send text/plain with the cookie, never the token");
        var foreign = await client.PostAsync("/designer/api/definitions/urgent-escalation/publish", origin: "http://intranet.uk.gov.in");
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(JsonDocument.Parse(await foreign.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString(), Is.EqualTo("CROSS_ORIGIN"));
        var nullOrigin = await client.PostAsync("/designer/api/definitions/urgent-escalation/retract", origin: "null");
        Assert.That(nullOrigin.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a sandboxed frame sends Origin: null");
        Assert.That((await client.Http.GetStringAsync("/designer/api/definitions/urgent-escalation/versions")).Length, Is.EqualTo(before), "nothing was saved");

        var mine = await client.PostAsync("/designer/api/validate", Workflow());
        Assert.That(mine.StatusCode, Is.EqualTo(HttpStatusCode.OK), await mine.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Signing_out_revokes_the_session_even_for_a_copy_of_its_cookie()
    {
        using var client = await DesignerClient.SignedInAsync(_host);
        var cookieHeader = client.Cookies.GetCookieHeader(new Uri(client.Origin, "/designer/api"));
        Assert.That((await client.Http.GetAsync("/designer/api/definitions")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var signOut = await client.PostAsync("/designer/logout");
        Assert.That(signOut.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var stolen = new HttpClient { BaseAddress = client.Origin };
        using var replay = new HttpRequestMessage(HttpMethod.Get, "/designer/api/definitions");
        replay.Headers.Add("Cookie", cookieHeader);
        Assert.That((await stolen.SendAsync(replay)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Five_wrong_passwords_lock_the_user_out_even_for_the_right_one_until_the_lockout_ends()
    {
        var options = _host.Services.GetRequiredService<IOptions<Hosting.CaseFlowOptions>>().Value.Designer;
        using var client = DesignerClient.For(_host);
        // Another user name, so the other tests' admin sign-ins are not locked out.
        for (var i = 0; i < options.MaxFailedSignIns; i++)
            Assert.That((await client.SignInAsync("auditor", "guess-" + i)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var locked = await client.SignInAsync("auditor", "anything");
        Assert.That(locked.StatusCode, Is.EqualTo((HttpStatusCode)429));
        Assert.That(await locked.Content.ReadAsStringAsync(), Does.Contain("locked"));

        _clock.Advance(options.LockoutDuration + TimeSpan.FromSeconds(1));
        Assert.That((await client.SignInAsync("auditor", "guess-again")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the lockout ran out");
    }

    [Test]
    public async Task Every_answer_of_the_http_port_carries_the_security_headers()
    {
        using var client = DesignerClient.For(_host);
        foreach (var path in new[] { "/designer/login", "/healthz", "/designer/api/definitions" })
        {
            var response = await client.Http.GetAsync(path);
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("frame-ancestors 'none'"), path);
            Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"), path);
            Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"), path);
        }
    }
}

/// <summary>A guesser at the sign-in form, on a host of its own so its lockouts touch no other test.</summary>
[TestFixture]
public sealed class SignInThrottleTests
{
    [Test]
    public async Task Wrong_passwords_from_one_address_are_throttled_across_user_names()
    {
        await using var host = await CaseFlowHost.StartAsync();
        using var client = DesignerClient.For(host);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 14; i++)
            codes.Add((await client.SignInAsync($"user{i}", "guess")).StatusCode);
        Assert.That(codes.Take(10), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(codes.Skip(10), Is.All.EqualTo((HttpStatusCode)429));
        Assert.That((await client.SignInAsync("admin", DesignerClient.Password)).StatusCode, Is.EqualTo((HttpStatusCode)429),
            "while throttled, a right password is not confirmed either");
    }
}

/// <summary>The server starts the same from any folder, and refuses to start when nothing could call it.</summary>
[TestFixture]
public sealed class StartUpTests
{
    [Test]
    public async Task Started_from_another_folder_the_server_reads_its_own_settings_and_the_demo_keys_work()
    {
        var elsewhere = Directory.CreateTempSubdirectory("caseflow-cwd-").FullName;
        var (grpcPort, httpPort) = FreePorts();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "CaseFlow.Server.dll");
        // No settings but the ports: the API keys must come from the appsettings.json beside the binary.
        var start = new ProcessStartInfo("dotnet", [serverDll, $"--CaseFlow:GrpcPort={grpcPort}", $"--CaseFlow:HttpPort={httpPort}"])
        {
            WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var cases = new CaseService.CaseServiceClient(channel);
            var listed = await Eventually.Until(async () =>
            {
                try
                {
                    return await cases.ListCasesAsync(new ListCasesRequest { Parent = "departments/-" },
                        new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-api-key", "demo-portal-key" } }));
                }
                catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable)
                {
                    return null;
                }
            }, r => r is not null, "the server answering with the shipped demo key");
            Assert.That(listed, Is.Not.Null);
            Assert.That(File.Exists(Path.Combine(elsewhere, "data", "caseflow.db")), "the data directory is relative to the working directory");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            try { Directory.Delete(elsewhere, recursive: true); } catch (IOException) { }
        }
    }

    [Test]
    public async Task With_no_api_keys_the_server_refuses_to_start_and_says_why()
    {
        var data = Directory.CreateTempSubdirectory("caseflow-nokeys-").FullName;
        var (grpcPort, httpPort) = FreePorts();
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(Hosting.ServerComposition.HostOptions(data));
        var settings = Settings(data, grpcPort, httpPort).Where(s => !s.Key.StartsWith("CaseFlow:ApiKeys", StringComparison.Ordinal));
        Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, settings);
        Hosting.ServerComposition.AddCaseFlowServer(builder);
        await using var app = builder.Build();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await Hosting.ServerComposition.UseCaseFlowAsync(app);
            await app.StartAsync();
        });
        Assert.That(e!.Message, Does.Contain("CaseFlow:ApiKeys is empty"));
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }
}
