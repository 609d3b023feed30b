using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The designer's HTTP API as its page uses it: a cookie jar, the sign-in form with its anti-forgery
/// field, and the session's anti-forgery token on every change.
/// </summary>
public sealed partial class DesignerClient : IDisposable
{
    public const string Password = "caseflow-demo";

    private DesignerClient(int port)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies }) { BaseAddress = new($"http://127.0.0.1:{port}") };
    }

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }
    public string? AntiforgeryToken { get; private set; }
    public Uri Origin => Http.BaseAddress!;

    public static DesignerClient For(CaseFlowHost host) => new(host.HttpPort);

    public static async Task<DesignerClient> SignedInAsync(CaseFlowHost host)
    {
        var client = For(host);
        var response = await client.SignInAsync("admin", Password);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
        await client.LoadSessionAsync();
        return client;
    }

    /// <summary>Fetches the sign-in page (for its form token) and posts the form from this server's origin.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string user, string password)
    {
        var page = await Http.GetStringAsync("/designer/login");
        var token = FormToken().Match(page).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/designer/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = user, ["password"] = password, ["__csrf"] = WebUtility.HtmlDecode(token) }),
        };
        post.Headers.Add("Origin", Origin.GetLeftPart(UriPartial.Authority));
        return await Http.SendAsync(post);
    }

    public async Task LoadSessionAsync()
    {
        var session = await Http.GetFromJsonAsync<JsonElement>("/designer/api/session");
        AntiforgeryToken = session.GetProperty("antiforgeryToken").GetString();
    }

    /// <summary>A change as the page sends it: JSON, same origin, with the session's token.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string? json = null, string? origin = null, bool withToken = true, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, contentType);
        request.Headers.Add("Origin", origin ?? Origin.GetLeftPart(UriPartial.Authority));
        if (withToken && AntiforgeryToken is not null) request.Headers.Add("X-CSRF-TOKEN", AntiforgeryToken);
        return Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]*)\"")]
    private static partial Regex FormToken();
}
