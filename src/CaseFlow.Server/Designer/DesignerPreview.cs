using System.Globalization;
using CaseFlow.Core.Calendars;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Escalation;
using CaseFlow.Server.Persistence;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Validation;

namespace CaseFlow.Server.Designer;

/// <summary>
/// What a draft would do, read-only, before it is published: the due dates of a case registered at a chosen moment
/// (the simulator), and how many open cases would be past their limit now or within a week of working days under the
/// draft against the version in force (the what-if). Both work out limits with the running timer's own rule
/// (<see cref="LimitPlan"/>); nothing is written.
/// </summary>
public sealed class DesignerPreview(WorkflowDefinitionService definitions, OpenClocks clocks, ICalendarProvider calendars, IDirectoryProvider directory, TimeProvider time)
{
    /// <summary>The window of "soon": this many working days from now.</summary>
    public const int SoonWorkingDays = 7;

    public void Map(RouteGroupBuilder api)
    {
        api.MapPost("/simulate", SimulateAsync);
        api.MapPost("/what-if", WhatIfAsync);
    }

    private async Task<IResult> SimulateAsync(HttpRequest request, string? registered, string? district, string? category, CancellationToken ct)
    {
        var (definition, error) = await DesignerApi.ParseBodyAsync(request, ct);
        if (definition is null) return error!;
        if (!DateTime.TryParse(registered, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return DesignerApi.Problem(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", "registered must be a date and time in IST, e.g. 2026-11-06T10:00.");
        var dir = directory.Current;
        if (district is null || !dir.DistrictsById.ContainsKey(district))
            return DesignerApi.Problem(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", $"district '{district}' is not one of the directory's districts.");
        if (category is not null && !dir.CategoriesById.ContainsKey(category))
            return DesignerApi.Problem(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", $"category '{category}' is not one of the directory's categories.");
        var department = category is null ? null : dir.CategoriesById[category].Department;
        var start = new DateTimeOffset(local, IndiaTime.Offset);
        var plan = LimitPlan.Of(definition, WorkflowValidator.Shape(definition), calendars);
        return Results.Ok(new
        {
            Registered = start,
            Levels = plan.Simulate(start).Select(l => new
            {
                l.Level, l.TimerId, Start = l.Start, l.Due, l.Limit, l.Problem,
                DueText = l.Due is { } due ? IndiaTime.ToIst(due).ToString("ddd d MMM yyyy, HH:mm 'IST'", CultureInfo.InvariantCulture) : null,
                Post = department is null ? null : dir.PostFor(department, district, l.Level)?.Designation,
            }),
        });
    }

    private async Task<IResult> WhatIfAsync(HttpRequest request, CancellationToken ct)
    {
        var (draft, error) = await DesignerApi.ParseBodyAsync(request, ct);
        if (draft is null) return error!;
        var published = await definitions.GetPublishedAsync(draft.DefinitionId, ct);
        var inForce = published is null ? null : WorkflowDefinition.Parse(published.Json);
        var now = time.GetUtcNow();
        var soon = calendars.Get(ICalendarProvider.DefaultId).AddWorkingDays(now, SoonWorkingDays);
        var running = await clocks.RunningAsync(ct);
        var draftPlan = LimitPlan.Of(draft, WorkflowValidator.Shape(draft), calendars);
        var inForcePlan = inForce is null ? null : LimitPlan.Of(inForce, WorkflowValidator.Shape(inForce), calendars);
        object Count(LimitPlan? plan, int level)
        {
            if (plan is null) return new { PastLimit = (int?)null, WithinSoon = (int?)null };
            int past = 0, within = 0;
            foreach (var (l, start) in running.Where(r => r.Level == level))
            {
                if (plan.DueAt(l, start) is not { } due) continue;
                if (due <= now) past++;
                else if (due <= soon) within++;
            }
            return new { PastLimit = (int?)past, WithinSoon = (int?)within };
        }
        return Results.Ok(new
        {
            Now = now, Soon = soon, SoonWorkingDays, PublishedVersion = published?.Version, OpenCases = running.Count,
            Levels = Enumerable.Range(1, Post.MaxLevel).Select(level => new
            {
                Level = level, Cases = running.Count(r => r.Level == level), Published = Count(inForcePlan, level), Draft = Count(draftPlan, level),
            }),
        });
    }
}
