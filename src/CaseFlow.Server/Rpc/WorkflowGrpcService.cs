using System.Text;
using CaseFlow.Api.V1;
using CaseFlow.Core.Access;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Definitions;
using CaseFlow.Workflows.Model;
using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;
using CaseFlow.Workflows.Validation;
using Grpc.Core;
using static CaseFlow.Server.Rpc.ProtoHelpers;
using ApiDefinition = CaseFlow.Api.V1.WorkflowDefinition;
using ApiInstance = CaseFlow.Api.V1.WorkflowInstance;
using ApiIssue = CaseFlow.Api.V1.ValidationIssue;

namespace CaseFlow.Server.Rpc;

/// <summary>Thin adapter over the definition service and the engine, for administrators and the designer.</summary>
public sealed class WorkflowGrpcService(
    WorkflowDefinitionService definitions,
    WorkflowEngine engine,
    IWorkflowInstanceStore instances,
    WorkflowInstanceQueries queries,
    ActivityRegistry registry) : Api.V1.WorkflowService.WorkflowServiceBase
{
    public override async Task<ListWorkflowDefinitionsResponse> ListWorkflowDefinitions(ListWorkflowDefinitionsRequest request, ServerCallContext context)
    {
        Admin(context);
        var response = new ListWorkflowDefinitionsResponse();
        foreach (var d in await definitions.ListAsync(context.CancellationToken))
            response.Definitions.Add(ToProto(d, json: false, await RunningAsync(d.DefinitionId, context.CancellationToken)));
        return response;
    }

    public override async Task<ApiDefinition> GetWorkflowDefinition(GetWorkflowDefinitionRequest request, ServerCallContext context)
    {
        Admin(context);
        var d = await FindAsync(request.DefinitionId, request.Version, context.CancellationToken);
        return ToProto(d, json: true, await RunningAsync(d.DefinitionId, context.CancellationToken));
    }

    public override async Task<ListWorkflowDefinitionsResponse> ListWorkflowDefinitionVersions(ListWorkflowDefinitionVersionsRequest request, ServerCallContext context)
    {
        Admin(context);
        var versions = await definitions.ListVersionsAsync(request.DefinitionId, context.CancellationToken);
        if (versions.Count == 0) throw CaseFlowException.NotFound("Workflow definition", request.DefinitionId);
        var response = new ListWorkflowDefinitionsResponse();
        response.Definitions.AddRange(versions.Select(v => ToProto(v, json: false, 0)));
        return response;
    }

    public override async Task<SaveWorkflowDraftResponse> SaveWorkflowDraft(SaveWorkflowDraftRequest request, ServerCallContext context)
    {
        Admin(context);
        var saved = await definitions.SaveDraftAsync(Parse(request.Json), new VersionNote(Author(context)), context.CancellationToken);
        var response = new SaveWorkflowDraftResponse { Definition = ToProto(saved.Definition, json: true, 0) };
        response.Issues.AddRange(saved.Validation.Issues.Select(ToProto));
        return response;
    }

    public override Task<ValidateWorkflowDefinitionResponse> ValidateWorkflowDefinition(ValidateWorkflowDefinitionRequest request, ServerCallContext context)
    {
        Admin(context);
        var result = definitions.Validate(Parse(request.Json), ValidationPurpose.Publish);
        var response = new ValidateWorkflowDefinitionResponse { Publishable = !result.HasErrors };
        response.Issues.AddRange(result.Issues.Select(ToProto));
        return Task.FromResult(response);
    }

    public override async Task<ApiDefinition> PublishWorkflowDefinition(PublishWorkflowDefinitionRequest request, ServerCallContext context)
    {
        Admin(context);
        if (request.Note.Length > VersionNote.MaxLength)
            throw CaseFlowException.Invalid("note", $"is {request.Note.Length} characters long; at most {VersionNote.MaxLength}.");
        await FindAsync(request.DefinitionId, request.Version, context.CancellationToken);
        var result = await definitions.PublishAsync(request.DefinitionId, request.Version == 0 ? null : request.Version,
            new VersionNote(Author(context), Empty(request.Note)), context.CancellationToken);
        if (!result.Published)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "WORKFLOW_INVALID",
                $"Workflow {request.DefinitionId} was not published; the version in force keeps running. " +
                string.Join(" ", result.Validation.Errors.Select(e => e.Message)),
                result.Validation.Errors.Select(e => new FieldViolation(e.ActivityId is null ? "definition" : $"activities[{e.ActivityId}]", $"{e.Code}: {e.Message}")).ToList());
        return ToProto(result.Definition!, json: false, 0);
    }

    public override async Task<ApiDefinition> RetractWorkflowDefinition(RetractWorkflowDefinitionRequest request, ServerCallContext context)
    {
        Admin(context);
        if (!await definitions.RetractAsync(request.DefinitionId, context.CancellationToken))
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "NOT_PUBLISHED", $"Workflow {request.DefinitionId} has no published version.");
        return ToProto(await FindAsync(request.DefinitionId, 0, context.CancellationToken), json: false, 0);
    }

    public override async Task<ExportWorkflowDefinitionResponse> ExportWorkflowDefinition(ExportWorkflowDefinitionRequest request, ServerCallContext context)
    {
        Admin(context);
        var d = await FindAsync(request.DefinitionId, request.Version, context.CancellationToken);
        var bytes = await definitions.ExportAsync(d.DefinitionId, d.Version, context.CancellationToken);
        return new ExportWorkflowDefinitionResponse { FileName = $"{d.DefinitionId}.json", Json = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF') };
    }

    public override async Task<ListActivityTypesResponse> ListActivityTypes(ListActivityTypesRequest request, ServerCallContext context)
    {
        Admin(context);
        var response = new ListActivityTypesResponse();
        foreach (var d in registry.Descriptors.Concat(CompositeDescriptors.All).Concat(await definitions.WorkflowActivitiesAsync(context.CancellationToken)))
        {
            var proto = new ActivityTypeDescriptor
            {
                Type = d.Type, DisplayName = d.DisplayName, Category = d.Category, Description = d.Description ?? "",
                DynamicOutcomes = d.HasDynamicOutcomes, IsTrigger = d.IsTrigger,
            };
            proto.Outcomes.AddRange(d.Outcomes);
            proto.Inputs.AddRange(d.Inputs.Select(i => new ActivityInputDescriptor
            {
                Name = i.Name, TypeName = i.TypeName, DisplayName = i.DisplayName, Description = i.Description ?? "",
                DefaultValue = i.DefaultValue ?? "", UiHint = i.UiHint,
            }));
            proto.WorkflowDefinitionId = d.WorkflowDefinitionId ?? "";
            proto.WorkflowVersion = d.WorkflowVersion ?? 0;
            response.ActivityTypes.Add(proto);
        }
        return response;
    }

    public override async Task<ListWorkflowInstancesResponse> ListWorkflowInstances(ListWorkflowInstancesRequest request, ServerCallContext context)
    {
        Admin(context);
        WorkflowStatus? status = null;
        if (!string.IsNullOrEmpty(request.Status))
            status = Enum.TryParse<WorkflowStatus>(request.Status, ignoreCase: true, out var s) ? s
                : throw CaseFlowException.Invalid("status", $"'{TextLimit.Echo(request.Status)}' is not one of {string.Join(", ", Enum.GetNames<WorkflowStatus>())}.");
        var size = Core.Paging.Size(request.PageSize);
        var filterHash = FilterHash(request, "page_token", "page_size");
        var skip = (int)ParsePageToken(request.PageToken, filterHash);
        var rows = await instances.ListAsync(new InstanceQuery(Empty(request.DefinitionId), status, Empty(request.CorrelationId), skip, size + 1), context.CancellationToken);
        var response = new ListWorkflowInstancesResponse { NextPageToken = rows.Count > size ? PageToken(skip + size, filterHash) : "" };
        response.Instances.AddRange(rows.Take(size).Select(r => ToProto(r)));
        return response;
    }

    public override async Task<ApiInstance> GetWorkflowInstance(GetWorkflowInstanceRequest request, ServerCallContext context)
    {
        Admin(context);
        var ct = context.CancellationToken;
        var detail = await queries.DetailAsync(request.Id, ct) ?? throw CaseFlowException.NotFound("Workflow instance", request.Id);
        var proto = ToProto(detail.Instance);
        proto.Journal.AddRange(detail.Journal.Select(j => new Api.V1.JournalEntry
        {
            Time = ToTimestamp(j.At), Kind = j.Kind.ToString(), ActivityId = j.ActivityId ?? "", ActivityType = j.ActivityType ?? "",
            ActivityName = j.ActivityName ?? "", Detail = j.Detail ?? "",
        }));
        proto.Incidents.AddRange(detail.Incidents.Select(i => new Api.V1.Incident
        {
            Time = ToTimestamp(i.At), ActivityId = i.ActivityId, ActivityType = i.ActivityType, ExceptionType = i.ExceptionType, Message = i.Message,
        }));
        proto.Waits.AddRange(detail.Waits.Select(b => new PendingWait
        {
            ActivityId = b.ActivityId, Kind = b.Kind.ToString(), EventName = b.EventName ?? "", DueTime = ToTimestamp(b.DueAt),
        }));
        return proto;
    }

    public override async Task<ApiInstance> CancelWorkflowInstance(CancelWorkflowInstanceRequest request, ServerCallContext context)
    {
        Admin(context);
        var cancelled = await engine.CancelAsync(request.Id, string.IsNullOrEmpty(request.Reason) ? null : request.Reason, context.CancellationToken)
                        ?? throw CaseFlowException.NotFound("Workflow instance", request.Id);
        return await GetWorkflowInstance(new GetWorkflowInstanceRequest { Id = cancelled.Id }, context);
    }

    public override async Task<ApiInstance> RetryWorkflowInstance(RetryWorkflowInstanceRequest request, ServerCallContext context)
    {
        Admin(context);
        var row = await instances.GetAsync(request.Id, context.CancellationToken) ?? throw CaseFlowException.NotFound("Workflow instance", request.Id);
        if (row.Status != WorkflowStatus.Faulted)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "NOT_FAULTED", $"Instance {row.Id} is {row.Status}; only a faulted instance is retried.");
        await engine.RetryAsync(request.Id, context.CancellationToken);
        return await GetWorkflowInstance(new GetWorkflowInstanceRequest { Id = request.Id }, context);
    }

    private static void Admin(ServerCallContext context) => CaseFlowInterceptor.CallerOf(context).Require(Permissions.AdministerWorkflows);

    /// <summary>The calling system, as the author of a saved or published version.</summary>
    private static string Author(ServerCallContext context) => CaseFlowInterceptor.CallerOf(context).System;

    private async Task<StoredDefinition> FindAsync(string definitionId, int version, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(definitionId)) throw CaseFlowException.Invalid("definition_id", "is required.");
        if (version < 0) throw CaseFlowException.Invalid("version", "must not be negative.");
        return await definitions.FindAsync(definitionId, version, ct) ?? throw CaseFlowException.NotFound("Workflow definition", version == 0 ? definitionId : $"{definitionId} v{version}");
    }

    private ValueTask<int> RunningAsync(string definitionId, CancellationToken ct) => queries.ActiveCountAsync(definitionId, ct);

    private static Workflows.Model.WorkflowDefinition Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) throw CaseFlowException.Invalid("json", "is required: an Elsa 3 workflow definition.");
        try
        {
            return Workflows.Model.WorkflowDefinition.Parse(Encoding.UTF8.GetBytes(json));
        }
        catch (Exception e) when (e is WorkflowFormatException or System.Text.Json.JsonException)
        {
            throw CaseFlowException.Invalid("json", e.Message);
        }
    }

    private static ApiDefinition ToProto(StoredDefinition d, bool json, int running) => new()
    {
        DefinitionId = d.DefinitionId, Version = d.Version, Name = d.Name ?? "", IsLatest = d.IsLatest, IsPublished = d.IsPublished,
        CreateTime = ToTimestamp(d.CreatedAt), UpdateTime = ToTimestamp(d.UpdatedAt), PublishTime = ToTimestamp(d.PublishedAt),
        Json = json ? d.Json.TrimStart('\uFEFF') : "", RunningInstances = running,
        SavedBy = d.SavedBy ?? "", PublishedBy = d.PublishedBy ?? "", Note = d.Note ?? "",
    };

    private static ApiIssue ToProto(Workflows.Validation.ValidationIssue i) => new()
    {
        Severity = i.Severity.ToString().ToUpperInvariant(), Code = i.Code, ActivityId = i.ActivityId ?? "", ActivityName = i.ActivityName ?? "", Message = i.Message,
    };

    private static ApiInstance ToProto(InstanceRecord r) => new()
    {
        Id = r.Id, DefinitionId = r.DefinitionId, DefinitionVersion = r.DefinitionVersion, CorrelationId = r.CorrelationId ?? "",
        Status = r.Status.ToString(), CreateTime = ToTimestamp(r.CreatedAt), UpdateTime = ToTimestamp(r.UpdatedAt),
    };

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
