using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Access;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Security;
using Microsoft.Extensions.Primitives;
using DomainCaseService = CaseFlow.Core.Cases.CaseService;

namespace CaseFlow.Server.Open311;

/// <summary>
/// Open311 GeoReport v2 under /open311/v2/, for civic apps and city systems that speak that standard. A thin
/// adapter like the gRPC services: each call is one CaseService call with the same validation, idempotency,
/// daily cap, routing, department scoping and masking. The service list is public, as the standard has it;
/// requests need the calling system's key (x-api-key header, or the standard's api_key parameter).
/// </summary>
public static class Open311Endpoints
{
    public const string Prefix = "/open311/v2";

    /// <summary>The standard has no idempotency; this header (the IETF draft's name) makes a retried POST safe.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private const int MaxIds = 100;
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = Core.Paging.MaxPageSize;

    public static WebApplication MapOpen311(this WebApplication app)
    {
        var open311 = app.MapGroup(Prefix);
        open311.MapGet("/services.{format}", ListServices);
        open311.MapGet("/services/{code}.{format}", GetService);
        open311.MapPost("/requests.{format}", CreateRequestAsync);
        open311.MapGet("/requests.{format}", ListRequestsAsync);
        open311.MapGet("/requests/{id}.{format}", GetRequestAsync);
        return app;
    }

    private static Task<IResult> ListServices(string format, HttpContext http, IDirectoryProvider directory) => HandleAsync(format, http, () =>
    {
        var dir = directory.Current;
        var hindi = Hindi(http, null);
        return Task.FromResult<object>(dir.Categories.Select(c => Open311Model.Service(c, dir, hindi)).ToList());
    });

    private static Task<IResult> GetService(string code, string format, HttpContext http, IDirectoryProvider directory) => HandleAsync(format, http, () =>
    {
        var dir = directory.Current;
        if (!dir.CategoriesById.TryGetValue(code, out var category)) throw CaseFlowException.NotFound("Service", code);
        return Task.FromResult<object>(Open311Model.Definition(category, dir, Hindi(http, null)));
    });

    private static async Task<IResult> CreateRequestAsync(string format, HttpContext http, DomainCaseService cases, IDirectoryProvider directory,
        ApiKeyAuthenticator authenticator, TimeProvider time) => await HandleAsync(format, http, async () =>
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        var caller = Authenticate(http, authenticator, form["api_key"]);
        string? Field(string name) => form[name] is { Count: > 0 } v && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

        var name = string.Join(' ', new[] { Field("first_name"), Field("last_name") }.Where(n => n is not null));
        var attachments = Field("media_url") is { } media ? new List<Attachment> { Media(media) } : [];
        var fingerprint = Fingerprint(form);
        // Without the header, the same request on the same (Indian) day is taken for a retry of the first.
        var requestId = http.Request.Headers[IdempotencyHeader].FirstOrDefault()
                        ?? $"open311-{IndiaTime.ToIst(time.GetUtcNow()):yyyyMMdd}-{fingerprint[..24]}";
        var request = new NewCase(requestId,
            new NewComplainant(name, Field("phone") ?? "", Field("email"), Field("address_string"),
                Field($"attribute[{Open311Model.DistrictAttribute}]") ?? "", Language(Field("locale"))),
            Channel.App, Field("service_code") ?? "", Field($"attribute[{Open311Model.SubCategoryAttribute}]"), Field("description") ?? "",
            attachments, District: null);
        var c = await cases.CreateAsync(new Actor(caller, null), request, new RequestKey(caller.System, requestId, "Open311.CreateRequest", fingerprint),
            http.RequestAborted);
        return new[] { new Open311Created(c.Number, Open311Model.Notice(c, directory.Current, Hindi(http, Field("locale")))) };
    });

    private static async Task<IResult> GetRequestAsync(string id, string format, HttpContext http, DomainCaseService cases, IDirectoryProvider directory,
        ApiKeyAuthenticator authenticator) => await HandleAsync(format, http, async () =>
    {
        var caller = Authenticate(http, authenticator, http.Request.Query["api_key"]);
        var c = await cases.GetAsync(caller, CaseNames.Format(CaseNames.AnyDepartment, id), http.RequestAborted);
        return new[] { Open311Model.Request(c, caller, directory.Current, Hindi(http, null)) };
    });

    private static async Task<IResult> ListRequestsAsync(string format, HttpContext http, DomainCaseService cases, IDirectoryProvider directory,
        ApiKeyAuthenticator authenticator, TimeProvider time) => await HandleAsync(format, http, async () =>
    {
        var query = http.Request.Query;
        var caller = Authenticate(http, authenticator, query["api_key"]);
        var dir = directory.Current;
        var hindi = Hindi(http, null);
        if (!StringValues.IsNullOrEmpty(query["service_request_id"]))
        {
            var ids = query["service_request_id"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > MaxIds) throw CaseFlowException.Invalid("service_request_id", $"at most {MaxIds} ids at once.");
            var found = new List<Open311Request>();
            foreach (var id in ids.Distinct())
            {
                // A case the caller may not see is left out exactly like one that does not exist.
                try { found.Add(Open311Model.Request(await cases.GetAsync(caller, CaseNames.Format(CaseNames.AnyDepartment, id), http.RequestAborted), caller, dir, hindi)); }
                catch (CaseFlowException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.PermissionDenied) { }
            }
            return found;
        }

        var errors = new List<FieldViolation>();
        var end = Date(query["end_date"], "end_date", errors);
        var start = Date(query["start_date"], "start_date", errors);
        IReadOnlySet<CaseStatus>? statuses = query["status"].ToString() switch
        {
            "" => null,
            "open" => CaseStatusExtensions.NotTerminal,
            "closed" => CaseStatusExtensions.Terminal,
            var s => Refuse(errors, "status", $"'{Bounded(s)}' is not a GeoReport status; use open or closed."),
        };
        var code = query["service_code"].ToString();
        if (code.Length > 0 && !dir.CategoriesById.ContainsKey(code)) errors.Add(new("service_code", $"'{Bounded(code)}' is not a service code."));
        var pageSize = DefaultPageSize;
        if (!StringValues.IsNullOrEmpty(query["page_size"]) &&
            (!int.TryParse(query["page_size"], NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
            errors.Add(new("page_size", $"must be a whole number from 1 to {MaxPageSize}."));
        var after = 0L;
        if (!StringValues.IsNullOrEmpty(query["page_token"]) &&
            !long.TryParse(query["page_token"], NumberStyles.None, CultureInfo.InvariantCulture, out after))
            errors.Add(new("page_token", "is not a token this server issued."));
        if (errors.Count > 0) throw CaseFlowException.Invalid(errors);

        // GeoReport's default window: the 90 days before end_date (or now).
        start ??= (end ?? time.GetUtcNow()).AddDays(-90);
        var page = await cases.ListAsync(caller, CaseNames.FormatParent(CaseNames.AnyDepartment),
            new CaseQuery(null, null, null, null, null, code.Length > 0 ? code : null, start, end, after, pageSize, AnyStatus: statuses),
            http.RequestAborted);
        // GeoReport has no paging; a Link header (RFC 8288) gives the next page without changing the document.
        if (page.LastId is { } last)
            http.Response.Headers.Link = $"<{Prefix}/requests.{format}{QueryString.Create(query.Where(q => q.Key != "page_token").Append(new("page_token", last.ToString(CultureInfo.InvariantCulture))))}>; rel=\"next\"";
        return page.Cases.Select(c => Open311Model.Request(c, caller, dir, hindi)).ToList();
    });

    private static Caller Authenticate(HttpContext http, ApiKeyAuthenticator authenticator, StringValues apiKeyParameter) =>
        authenticator.Authenticate(http.Request.Headers[ApiKeyAuthenticator.Header].FirstOrDefault() ?? apiKeyParameter.FirstOrDefault(),
            http.Connection.RemoteIpAddress);

    /// <summary>Runs one call and writes its document, or its refusal as GeoReport's error list with the matching HTTP status.</summary>
    private static async Task<IResult> HandleAsync(string format, HttpContext http, Func<Task<object>> call)
    {
        if (format is not ("json" or "xml"))
            return Open311Writer.Write("json", StatusCodes.Status404NotFound, new[] { new Open311Error(404, $"Unknown format '{Bounded(format)}'; use .json or .xml.") });
        try
        {
            return Open311Writer.Write(format, StatusCodes.Status200OK, await call());
        }
        catch (Exception e) when (!(e is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            var refusal = e switch
            {
                CaseFlowException refused => refused,
                _ when DatabaseFailures.IsUnavailable(e) => DatabaseFailures.Refusal(DatabaseFailures.Describe(e)),
                _ => null,
            };
            if (refusal is null)
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Open311Endpoints)).LogError(e, "Unhandled error in {Path}", http.Request.Path);
                return Open311Writer.Write(format, StatusCodes.Status500InternalServerError, new[] { new Open311Error(500, "An internal error occurred; it has been logged.") });
            }
            var status = HttpStatus(refusal.Kind);
            var errors = refusal.Violations.Count > 0
                ? refusal.Violations.Select(v => new Open311Error(status, $"{Parameter(v.Field)}: {v.Description}")).ToList()
                : [new Open311Error(status, refusal.Message)];
            return Open311Writer.Write(format, status, errors);
        }
    }

    private static int HttpStatus(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument or ErrorKind.FailedPrecondition => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.PermissionDenied => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.AlreadyExists or ErrorKind.Aborted => StatusCodes.Status409Conflict,
        ErrorKind.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    /// <summary>The domain names fields as the gRPC API does; an Open311 caller sent them under GeoReport's names.</summary>
    private static string Parameter(string field) => field switch
    {
        "complainant.name" => "first_name",
        "complainant.phone" => "phone",
        "complainant.email" => "email",
        "complainant.address" => "address_string",
        "complainant.district" => $"attribute[{Open311Model.DistrictAttribute}]",
        "complainant.preferred_language" => "locale",
        "category" => "service_code",
        "sub_category" => $"attribute[{Open311Model.SubCategoryAttribute}]",
        "request_id" => IdempotencyHeader,
        _ when field.StartsWith("attachments", StringComparison.Ordinal) => "media_url",
        _ => field,
    };

    /// <summary>Hindi when asked for by the locale parameter or, failing that, by Accept-Language.</summary>
    private static bool Hindi(HttpContext http, string? locale)
    {
        locale ??= http.Request.Query["locale"].FirstOrDefault();
        if (!string.IsNullOrEmpty(locale)) return Language(locale) == "hi";
        return http.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault()?.Value.Value?.StartsWith("hi", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>hi, hi_IN, hi-IN → hi; anything else passes through for the domain to accept or refuse.</summary>
    private static string? Language(string? locale) =>
        string.IsNullOrEmpty(locale) ? null : locale.Split('_', '-')[0].ToLowerInvariant();

    private static Attachment Media(string url)
    {
        var file = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Path.GetFileName(uri.AbsolutePath) : "";
        var type = Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => "image/jpeg",
            ".png" => "image/png",
            ".pdf" => "application/pdf",
            _ => "",
        };
        return new Attachment(url, file, type);
    }

    /// <summary>The request's fields without its key, in a stable order: a reused Idempotency-Key with other fields is refused.</summary>
    private static string Fingerprint(IFormCollection form)
    {
        var text = new StringBuilder();
        foreach (var (key, values) in form.Where(f => f.Key != "api_key").OrderBy(f => f.Key, StringComparer.Ordinal))
            foreach (var v in values) text.Append(key).Append('\u0001').Append(v).Append('\u0002');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static DateTimeOffset? Date(StringValues value, string field, List<FieldViolation> errors)
    {
        if (StringValues.IsNullOrEmpty(value)) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        errors.Add(new(field, $"'{Bounded(value.ToString())}' is not an ISO 8601 date and time (e.g. 2026-12-01T00:00:00+05:30)."));
        return null;
    }

    private static IReadOnlySet<CaseStatus>? Refuse(List<FieldViolation> errors, string field, string description)
    {
        errors.Add(new(field, description));
        return null;
    }

    private static string Bounded(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
