using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Cases;
using CaseFlow.Server.Persistence.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
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

    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    public static IServiceCollection AddCaseFlowDesigner(this IServiceCollection services)
    {
        services.AddSingleton<DesignerSessionStore>();
        services.AddSingleton<DatabaseKeyRepository>();
        services.AddDataProtection().SetApplicationName("CaseFlow");
        services.AddOptions<KeyManagementOptions>().Configure<DatabaseKeyRepository>((k, repository) => k.XmlRepository = repository);
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
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<DesignerOptions, DesignerSessionStore>((c, o, sessions) =>
        {
            c.ExpireTimeSpan = o.SessionLifetime;
            // The cookie holds a session key, the session lives in the database: signing out revokes it.
            c.SessionStore = sessions;
        });
        services.AddAntiforgery(a =>
        {
            a.HeaderName = AntiforgeryHeader;
            a.FormFieldName = "__csrf";
            a.Cookie.Name = "caseflow-csrf";
            a.Cookie.Path = "/designer";
            a.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<DesignerOptions>();
            return new SignInGuard(o.MaxFailedSignIns, o.LockoutDuration, sp.GetRequiredService<TimeProvider>());
        });
        services.AddAuthorization();
        services.AddSingleton<DesignerApi>();
        services.AddSingleton<DesignerPreview>();
        return services;
    }

    public static WebApplication MapCaseFlowDesigner(this WebApplication app)
    {
        app.Use(SecurityHeaders);
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/designer/login", (HttpContext ctx, IAntiforgery antiforgery) =>
            Results.Content(SignInPage.Html(ctx.Request.Query["ReturnUrl"], antiforgery.GetAndStoreTokens(ctx).RequestToken, error: null), "text/html; charset=utf-8"));
        app.MapPost("/designer/login", SignInAsync).DisableAntiforgery();
        app.MapPost("/designer/logout", async (HttpContext ctx) =>
        {
            await ctx.SignOutAsync(Scheme);
            return Results.Ok(new { SignedOut = true });
        }).AddEndpointFilter(RequireSameOriginAndToken);

        var api = app.MapGroup(ApiPrefix).RequireAuthorization().AddEndpointFilter(RequireSameOriginAndToken);
        api.MapGet("/session", (HttpContext ctx, IAntiforgery antiforgery) =>
            Results.Ok(new { User = ctx.User.Identity?.Name, AntiforgeryToken = antiforgery.GetAndStoreTokens(ctx).RequestToken, AntiforgeryHeader }));
        app.Services.GetRequiredService<DesignerApi>().Map(api);
        app.Services.GetRequiredService<DesignerPreview>().Map(api);

        app.MapGet("/designer/{**path}", ServeApp);
        return app;
    }

    /// <summary>
    /// Every state-changing call must come from the designer's own page: the request's Origin (or, where a
    /// browser sends none, its Sec-Fetch-Site) must be this server, and it must carry the anti-forgery token
    /// the page fetched. SameSite=Strict alone does not stop another service on the same site.
    /// </summary>
    private static async ValueTask<object?> RequireSameOriginAndToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ctx = context.HttpContext;
        if (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method))
            return await next(context);
        if (CrossOrigin(ctx.Request) is { } why)
            return Results.Json(new { Code = "CROSS_ORIGIN", Message = why }, statusCode: StatusCodes.Status403Forbidden);
        try
        {
            await ctx.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(ctx);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Json(new { Code = "CSRF_TOKEN_INVALID", Message = $"The request lacks the designer's anti-forgery token (header {AntiforgeryHeader}); reload the designer and try again." },
                statusCode: StatusCodes.Status403Forbidden);
        }
        return await next(context);
    }

    private static string? CrossOrigin(HttpRequest request)
    {
        var self = $"{request.Scheme}://{request.Host}";
        var origin = request.Headers.Origin.ToString();
        if (!string.IsNullOrEmpty(origin))
            return string.Equals(origin, self, StringComparison.OrdinalIgnoreCase) ? null : $"Requests from {TextLimit.Echo(origin)} may not change the designer's data.";
        return request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site" ? "Requests from another site may not change the designer's data." : null;
    }

    /// <summary>The standard headers a security review asks for, on every page and answer of the HTTP port.</summary>
    private static Task SecurityHeaders(HttpContext ctx, Func<Task> next)
    {
        if (ctx.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            var h = ctx.Response.Headers;
            // React Flow positions nodes with inline styles, hence 'unsafe-inline' for styles only; scripts come from the page's own files.
            h.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                                      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
            h.XFrameOptions = "DENY";
            h.XContentTypeOptions = "nosniff";
            // "same-origin", not "no-referrer": with no-referrer Chromium sends "Origin: null" on form posts, which the same-origin check must refuse.
            h["Referrer-Policy"] = "same-origin";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        }
        return next();
    }

    private static async Task<IResult> SignInAsync(HttpContext ctx, DesignerOptions options, IAntiforgery antiforgery, SignInGuard guard)
    {
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var user = form["user"].ToString();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        IResult Page(string error, int status) =>
            Results.Content(SignInPage.Html(returnUrl, antiforgery.GetAndStoreTokens(ctx).RequestToken, error), "text/html; charset=utf-8", statusCode: status);

        if (CrossOrigin(ctx.Request) is not null || !await antiforgery.IsRequestValidAsync(ctx))
            return Page("The sign-in form had expired or came from another site; please sign in again.", StatusCodes.Status400BadRequest);
        var from = ctx.Connection.RemoteIpAddress;
        if (guard.Refusal(user, from) is { } refusal)
            return Page(refusal, StatusCodes.Status429TooManyRequests);

        var o = options;
        var expected = Convert.FromHexString(o.AdminPasswordSha256);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        // Both comparisons always run, so timing does not tell which of the two was wrong.
        var userOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.PadRight(64)), Encoding.UTF8.GetBytes(o.AdminUser.PadRight(64)));
        var passwordOk = CryptographicOperations.FixedTimeEquals(expected, actual);
        if (!(userOk & passwordOk))
        {
            guard.Failed(user, from);
            return Page("Wrong user name or password.", StatusCodes.Status401Unauthorized);
        }
        guard.Succeeded(user);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, o.AdminUser), new Claim(ClaimTypes.Role, "workflow-admin")], Scheme);
        await ctx.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        // Only local paths: an open redirect after sign-in is a phishing aid.
        var target = returnUrl.StartsWith("/designer", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/designer/";
        return Results.Redirect(target);
    }

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Built assets are public (they hold no data); the page itself needs a signed-in administrator.
    /// Every other path is the single-page app's own route, so it gets index.html.</summary>
    private static IResult ServeApp(HttpContext ctx, string? path, DesignerOptions options)
    {
        // Relative asset URLs resolve against /designer/, never /designer.
        if (ctx.Request.Path.Value == "/designer") return Results.Redirect("/designer/" + ctx.Request.QueryString);
        var root = Path.GetFullPath(options.ResolvedWebRoot);
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
