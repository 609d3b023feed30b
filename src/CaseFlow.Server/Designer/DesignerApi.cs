using System.Text;
using CaseFlow.Core.Escalation;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Server.Designer;

/// <summary>
/// The designer's JSON API: request → one call on the services the gRPC WorkflowService uses → response.
/// Workflow JSON travels as the request body and as a string in responses, untouched, because it is the
/// document of record and the designer patches it rather than rebuilding it.
/// </summary>
public sealed class DesignerApi(
    WorkflowDefinitionService definitions,
    WorkflowEngine engine,
    IWorkflowInstanceStore instances,
    WorkflowInstanceQueries queries,
    ActivityRegistry registry,
    Core.Cases.ICaseStore cases,
    Core.Calendars.ICalendarProvider calendars)
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/me", (HttpContext ctx) => Results.Ok(new { user = ctx.User.Identity?.Name }));
        api.MapGet("/definitions", ListAsync);
        api.MapGet("/definitions/{definitionId}", GetAsync);
        api.MapGet("/definitions/{definitionId}/versions", VersionsAsync);
        api.MapGet("/definitions/{definitionId}/diff", DiffAsync);
        api.MapGet("/definitions/{definitionId}/export", ExportAsync);
        api.MapPost("/definitions/{definitionId}/publish", PublishAsync);
        api.MapPost("/definitions/{definitionId}/retract", RetractAsync);
        api.MapPost("/drafts", SaveDraftAsync);
        api.MapPost("/import", ImportAsync);
        api.MapPost("/validate", ValidateAsync);
        api.MapGet("/activity-types", ActivityTypesAsync);
        api.MapGet("/instances", ListInstancesAsync);
        api.MapGet("/instances/{id}", GetInstanceAsync);
        api.MapGet("/cases/{caseNumber}/instance", GetCaseInstanceAsync);
        api.MapPost("/instances/{id}/cancel", CancelInstanceAsync);
    }

    private async Task<IResult> ListAsync(CancellationToken ct)
    {
        var list = new List<object>();
        foreach (var d in await definitions.ListAsync(ct))
        {
            var published = await definitions.GetPublishedAsync(d.DefinitionId, ct);
            list.Add(new
            {
                d.DefinitionId, d.Name, d.Version, d.IsPublished, d.IsLatest, PublishedVersion = published?.Version,
                RunningInstances = await RunningAsync(d.DefinitionId, ct), d.UpdatedAt,
            });
        }
        return Results.Ok(list);
    }

    private async Task<IResult> GetAsync(string definitionId, int? version, CancellationToken ct)
    {
        var d = await FindAsync(definitionId, version, ct);
        if (d is null) return NotFound(definitionId, version);
        var versions = await definitions.ListVersionsAsync(definitionId, ct);
        return Results.Ok(new
        {
            Definition = Summary(d), Json = d.Json.TrimStart('\uFEFF'), Versions = versions.Select(Summary),
            RunningInstances = await RunningAsync(definitionId, ct),
        });
    }

    private async Task<IResult> VersionsAsync(string definitionId, CancellationToken ct)
    {
        var versions = await definitions.ListVersionsAsync(definitionId, ct);
        return versions.Count == 0 ? NotFound(definitionId, null) : Results.Ok(versions.Select(Summary));
    }

    /// <summary>What a version (the latest by default) changes against the published one, or against
    /// <paramref name="against"/> when given.</summary>
    private async Task<IResult> DiffAsync(string definitionId, int? version, int? against, CancellationToken ct)
    {
        var d = await FindAsync(definitionId, version, ct);
        if (d is null) return NotFound(definitionId, version);
        var baseline = against is { } a ? await definitions.GetAsync(definitionId, a, ct) : await definitions.GetPublishedAsync(definitionId, ct);
        if (baseline is null) return Problem(StatusCodes.Status404NotFound, "NO_BASELINE", $"{definitionId} has no published version to compare with.");
        return Results.Ok(new
        {
            From = baseline.Version, To = d.Version,
            Changes = WorkflowDiff.Compare(baseline.Json, d.Json, (type, input) => registry.Describe(type)?.Inputs.FirstOrDefault(i => i.Name == input)?.DisplayName),
        });
    }

    private async Task<IResult> ExportAsync(string definitionId, int? version, CancellationToken ct)
    {
        var d = await FindAsync(definitionId, version, ct);
        if (d is null) return NotFound(definitionId, version);
        var bytes = await definitions.ExportAsync(d.DefinitionId, d.Version, ct);
        return Results.File(bytes, "application/json", $"{d.DefinitionId}.json");
    }

    /// <summary>An imported file: as a draft, with ids assigned when it has none (as Elsa imports).</summary>
    private async Task<IResult> ImportAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var json = await reader.ReadToEndAsync(ct);
        WorkflowDefinition definition;
        try { definition = WorkflowDefinition.Import(Encoding.UTF8.GetBytes(json), WorkflowDefinitionService.NewId); }
        catch (Exception e) when (e is WorkflowFormatException or System.Text.Json.JsonException)
        {
            return Problem(StatusCodes.Status400BadRequest, "INVALID_JSON", e.Message);
        }
        return await SaveAsync(request, definition, ct);
    }

    private async Task<IResult> SaveDraftAsync(HttpRequest request, CancellationToken ct)
    {
        var (definition, error) = await ParseAsync(request, ct);
        return definition is null ? error! : await SaveAsync(request, definition, ct);
    }

    private async Task<IResult> SaveAsync(HttpRequest request, WorkflowDefinition definition, CancellationToken ct)
    {
        var saved = await definitions.SaveDraftAsync(definition, new VersionNote(request.HttpContext.User.Identity?.Name), ct);
        return Results.Ok(new { Definition = Summary(saved.Definition), Json = saved.Definition.Json.TrimStart('\uFEFF'), Issues = saved.Validation.Issues.Select(Issue) });
    }

    private async Task<IResult> ValidateAsync(HttpRequest request, CancellationToken ct)
    {
        var (definition, error) = await ParseAsync(request, ct);
        if (definition is null) return error!;
        var result = definitions.Validate(definition, ValidationPurpose.Publish);
        // Ports as the runtime sees them, so the designer draws a FlowSwitch's cases as the server will follow them.
        var ports = definition.Activities.GroupBy(a => a.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => registry.PortsOf(g.First()));
        // The levels as the escalation rule reads the flow: the rules table beside the chart is built on them.
        var levels = EscalationChainRule.Levels(definition, WorkflowValidator.Shape(definition));
        return Results.Ok(new { Issues = result.Issues.Select(Issue), Publishable = !result.HasErrors, Ports = ports, Levels = levels });
    }

    private async Task<IResult> PublishAsync(HttpContext http, string definitionId, int? version, string? note, CancellationToken ct)
    {
        if (note?.Length > VersionNote.MaxLength)
            return Problem(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", $"The note is {note.Length} characters long; at most {VersionNote.MaxLength}.");
        if (await FindAsync(definitionId, version, ct) is null) return NotFound(definitionId, version);
        var result = await definitions.PublishAsync(definitionId, version, new VersionNote(http.User.Identity?.Name, note), ct);
        if (!result.Published)
            return Results.Json(new
            {
                Code = "WORKFLOW_INVALID",
                Message = $"{definitionId} was not published; the version in force keeps running.",
                Issues = result.Validation.Issues.Select(Issue),
            }, statusCode: StatusCodes.Status422UnprocessableEntity);
        return Results.Ok(new { Definition = Summary(result.Definition!), Issues = result.Validation.Issues.Select(Issue) });
    }

    private async Task<IResult> RetractAsync(string definitionId, CancellationToken ct) =>
        await definitions.RetractAsync(definitionId, ct)
            ? Results.Ok(Summary((await FindAsync(definitionId, null, ct))!))
            : Problem(StatusCodes.Status409Conflict, "NOT_PUBLISHED", $"{definitionId} has no published version.");

    // The built-in types, then the published workflows usable as activities under their own type names.
    private async Task<IResult> ActivityTypesAsync(CancellationToken ct) => Results.Ok(registry.Descriptors.Concat(CompositeDescriptors.All).Concat(await definitions.WorkflowActivitiesAsync(ct)).Select(d => new
    {
        d.Type, d.DisplayName, d.Category, d.Description, d.DisplayNameHi, d.DescriptionHi, d.Outcomes, DynamicOutcomes = d.HasDynamicOutcomes, d.IsTrigger,
        d.WorkflowDefinitionId, d.WorkflowVersion,
        // The range, wholeness and choices too: the designer's editors are built from these, never from a copy of their own.
        // A calendar is one of the server's calendars, listed as of now.
        Inputs = d.Inputs.Select(i => new
        {
            i.Name, i.TypeName, i.DisplayName, i.Description, i.DisplayNameHi, i.DescriptionHi, i.DefaultValue, i.UiHint, i.Minimum, i.Maximum, i.WholeNumber,
            Choices = i.UiHint == UiHints.Calendar ? calendars.All.Select(c => c.Id).ToList() : i.Choices,
        }),
    }));

    private async Task<IResult> ListInstancesAsync(string? definitionId, string? correlationId, string? status, CancellationToken ct)
    {
        WorkflowStatus? s = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<WorkflowStatus>(status, ignoreCase: true, out var parsed))
                return Problem(StatusCodes.Status400BadRequest, "INVALID_STATUS", $"'{Core.Cases.TextLimit.Echo(status)}' is not one of {string.Join(", ", Enum.GetNames<WorkflowStatus>())}.");
            s = parsed;
        }
        var rows = await instances.ListAsync(new InstanceQuery(Empty(definitionId), s, Empty(correlationId), 0, 200), ct);
        return Results.Ok(rows.Select(InstanceSummary));
    }

    private async Task<IResult> GetInstanceAsync(string id, CancellationToken ct)
    {
        var detail = await queries.DetailAsync(id, ct);
        return detail is null ? Problem(StatusCodes.Status404NotFound, "NOT_FOUND", $"Workflow instance {id} does not exist.") : Results.Ok(await DetailAsync(detail, ct));
    }

    private async Task<IResult> CancelInstanceAsync(string id, string? reason, CancellationToken ct)
    {
        var cancelled = await engine.CancelAsync(id, string.IsNullOrEmpty(reason) ? "Cancelled in the designer." : reason, ct);
        var detail = cancelled is null ? null : await queries.DetailAsync(id, ct);
        return detail is null ? Problem(StatusCodes.Status404NotFound, "NOT_FOUND", $"Workflow instance {id} does not exist.") : Results.Ok(await DetailAsync(detail, ct));
    }

    /// <summary>
    /// A case's workflow is correlated by the case number; the newest instance is the one in force. Case numbers are
    /// written in capitals ("UK-2026-000123"); an administrator who types "uk-2026-000123" means the same case.
    /// The case's own history comes with it, as the timeline an administrator reads (the journal is the engine's view).
    /// </summary>
    private async Task<IResult> GetCaseInstanceAsync(string caseNumber, CancellationToken ct)
    {
        var number = caseNumber.Trim().ToUpperInvariant();
        var row = await queries.LatestForAsync(number, ct);
        if (row is null) return Problem(StatusCodes.Status404NotFound, "NOT_FOUND", $"No workflow instance for case {number}.");
        var detail = await DetailAsync(await queries.DetailAsync(row, ct), ct);
        var history = await cases.HistoryAsync(number, ct);
        return Results.Ok(new
        {
            detail,
            Case = number,
            Timeline = history.Select(p => new { p.Event.At, Type = p.Event.Type.ToString(), p.Event.Level, p.Event.Text }),
        });
    }

    private async Task<object> DetailAsync(InstanceDetail detail, CancellationToken ct)
    {
        var (row, journal, waits, incidents) = (detail.Instance, detail.Journal, detail.Waits, detail.Incidents);
        var definition = await definitions.GetAsync(row.DefinitionId, row.DefinitionVersion, ct);
        return new
        {
            Instance = InstanceSummary(row),
            Json = definition?.Json.TrimStart('\uFEFF'),
            Journal = journal.Select(j => new { j.At, Kind = j.Kind.ToString(), j.ActivityId, j.ActivityType, j.ActivityName, j.Detail }),
            Waits = waits.Select(b => new { b.ActivityId, Kind = b.Kind.ToString(), b.EventName, DueTime = b.DueAt, b.Tag }),
            Incidents = incidents.Select(i => new { i.At, i.ActivityId, i.ActivityType, i.ExceptionType, i.Message }),
            // What the designer highlights: activities that completed at least once, and those waiting now.
            Passed = journal.Where(j => j.Kind == JournalKind.Completed && j.ActivityId is not null).Select(j => j.ActivityId!).Distinct(),
            Waiting = waits.Select(b => b.ActivityId).Distinct(),
        };
    }

    private Task<(WorkflowDefinition?, IResult?)> ParseAsync(HttpRequest request, CancellationToken ct) => ParseBodyAsync(request, ct);

    /// <summary>The request body as a workflow definition, or the 400 that says why it is not one.</summary>
    internal static async Task<(WorkflowDefinition?, IResult?)> ParseBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var json = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(json))
            return (null, Problem(StatusCodes.Status400BadRequest, "INVALID_JSON", "The body must be an Elsa 3 workflow definition."));
        try
        {
            return (WorkflowDefinition.Parse(json), null);
        }
        catch (Exception e) when (e is WorkflowFormatException or System.Text.Json.JsonException)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "INVALID_JSON", e.Message));
        }
    }

    private ValueTask<StoredDefinition?> FindAsync(string definitionId, int? version, CancellationToken ct) =>
        definitions.FindAsync(definitionId, Math.Max(0, version ?? 0), ct);

    private ValueTask<int> RunningAsync(string definitionId, CancellationToken ct) => queries.ActiveCountAsync(definitionId, ct);

    private static object Summary(StoredDefinition d) => new
    {
        d.DefinitionId, d.Version, d.Name, d.IsLatest, d.IsPublished, d.CreatedAt, d.UpdatedAt, d.PublishedAt, d.SavedBy, d.PublishedBy, d.Note,
    };

    private static object InstanceSummary(InstanceRecord r) => new
    {
        r.Id, r.DefinitionId, r.DefinitionVersion, r.CorrelationId, Status = r.Status.ToString(), r.CreatedAt, r.UpdatedAt,
    };

    private static object Issue(ValidationIssue i) => new
    {
        Severity = i.Severity.ToString().ToUpperInvariant(), i.Code, i.ActivityId, i.ActivityName, i.Message,
    };

    private static IResult NotFound(string definitionId, int? version) =>
        Problem(StatusCodes.Status404NotFound, "NOT_FOUND", $"Workflow definition {definitionId}{(version is > 0 ? $" v{version}" : "")} does not exist.");

    internal static IResult Problem(int status, string code, string message) => Results.Json(new { Code = code, Message = message }, statusCode: status);

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
