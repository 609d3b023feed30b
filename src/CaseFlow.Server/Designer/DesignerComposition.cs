using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CaseFlow.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Designer;

/// <summary>
/// The workflow designer: a browser app plus a JSON API under /designer/api on the HTTP/1.1 port, because a
/// browser cannot speak gRPC over cleartext HTTP/2. The API is a thin adapter over the same services the
/// gRPC WorkflowService uses; signing in is one administrator credential from configuration.
/// </summary>
public static class DesignerComposition
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    private const string ApiPrefix = "/designer/api";

    public static IServiceCollection AddCaseFlowDesigner(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddCookie(Scheme, c =>
        {
            c.Cookie.Name = "caseflow-designer";
            c.Cookie.HttpOnly = true;
            c.Cookie.SameSite = SameSiteMode.Strict;
            c.Cookie.Path = "/designer";
            // The designer port is plain HTTP on loopback by default; behind TLS the cookie follows the request.
            c.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            c.LoginPath = "/designer/login";
            c.LogoutPath = "/designer/logout";
            c.SlidingExpiration = true;
            c.Events.OnRedirectToLogin = ctx =>
            {
                // Scripts want a status they can act on, not an HTML page.
                if (ctx.Request.Path.StartsWithSegments(ApiPrefix)) ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                else ctx.Response.Redirect(ctx.RedirectUri);
                return Task.CompletedTask;
            };
            c.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<CaseFlowOptions>>((c, o) => c.ExpireTimeSpan = o.Value.Designer.SessionLifetime);
        services.AddAuthorization();
        services.AddSingleton<DesignerApi>();
        return services;
    }

    public static WebApplication MapCaseFlowDesigner(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/designer/login", (HttpContext ctx) => Results.Content(SignInPage.Html(ctx.Request.Query["ReturnUrl"], error: false), "text/html; charset=utf-8"));
        app.MapPost("/designer/login", SignInAsync).DisableAntiforgery();
        app.MapPost("/designer/logout", async (HttpContext ctx) =>
        {
            await ctx.SignOutAsync(Scheme);
            return Results.Redirect("/designer/login");
        });

        var api = app.MapGroup(ApiPrefix).RequireAuthorization();
        app.Services.GetRequiredService<DesignerApi>().Map(api);

        app.MapGet("/designer/{**path}", ServeApp);
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext ctx, IOptions<CaseFlowOptions> options)
    {
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var user = form["user"].ToString();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        var o = options.Value.Designer;
        var expected = Convert.FromHexString(o.AdminPasswordSha256);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        // Both comparisons always run, so timing does not tell which of the two was wrong.
        var userOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.PadRight(64)), Encoding.UTF8.GetBytes(o.AdminUser.PadRight(64)));
        var passwordOk = CryptographicOperations.FixedTimeEquals(expected, actual);
        if (!(userOk & passwordOk))
            return Results.Content(SignInPage.Html(returnUrl, error: true), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, o.AdminUser), new Claim(ClaimTypes.Role, "workflow-admin")], Scheme);
        await ctx.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        // Only local paths: an open redirect after sign-in is a phishing aid.
        var target = returnUrl.StartsWith("/designer", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/designer/";
        return Results.Redirect(target);
    }

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Built assets are public (they hold no data); the page itself needs a signed-in administrator.
    /// Every other path is the single-page app's own route, so it gets index.html.</summary>
    private static IResult ServeApp(HttpContext ctx, string? path, IOptions<CaseFlowOptions> options)
    {
        // Relative asset URLs resolve against /designer/, never /designer.
        if (ctx.Request.Path.Value == "/designer") return Results.Redirect("/designer/" + ctx.Request.QueryString);
        var root = Path.GetFullPath(options.Value.Designer.ResolvedWebRoot);
        path ??= "";
        if (path.StartsWith("assets/", StringComparison.Ordinal) || path is "favicon.svg")
        {
            var file = Path.GetFullPath(Path.Combine(root, path));
            if (!file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
                return Results.NotFound();
            ContentTypes.TryGetContentType(file, out var type);
            ctx.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.File(file, type ?? "application/octet-stream");
        }
        if (ctx.User.Identity?.IsAuthenticated != true)
            return Results.Redirect("/designer/login?ReturnUrl=" + Uri.EscapeDataString(ctx.Request.Path + ctx.Request.QueryString));
        var index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
            return Results.Content("The designer has not been built: build src/CaseFlow.Server (it runs npm in src/CaseFlow.Designer).", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
        ctx.Response.Headers.CacheControl = "no-cache";
        return Results.File(index, "text/html; charset=utf-8");
    }
}
