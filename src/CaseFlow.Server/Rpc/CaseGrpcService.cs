using CaseFlow.Api.V1;
using CaseFlow.Core.Access;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using Grpc.Core;
using static CaseFlow.Server.Rpc.ProtoHelpers;
using ApiCase = CaseFlow.Api.V1.Case;
using DomainCase = CaseFlow.Core.Cases.Case;
using DomainCaseService = CaseFlow.Core.Cases.CaseService;

namespace CaseFlow.Server.Rpc;

/// <summary>Thin adapter: request → one CaseService call → response.</summary>
public sealed partial class CaseGrpcService(DomainCaseService cases, IDirectoryProvider directory, CaseEventFeed feed,
    Workflows.Runtime.WorkflowInstanceQueries workflowInstances) : Api.V1.CaseService.CaseServiceBase
{
    public override async Task<ApiCase> CreateCase(CreateCaseRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var c = await cases.CreateAsync(new Actor(caller, null), ToNewCase(request),
            KeyOf(request, request.RequestId, caller.System, nameof(CreateCase)), context.CancellationToken);
        return ToProto(c, caller);
    }

    public override async Task<ApiCase> GetCase(GetCaseRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var proto = ToProto(await cases.GetAsync(caller, request.Name, context.CancellationToken), caller);
        // The workflow instance driving the case's clock now.
        proto.WorkflowInstance = (await workflowInstances.LatestForAsync(proto.Number, context.CancellationToken))?.Id ?? "";
        return proto;
    }

    public override async Task<ListCasesResponse> ListCases(ListCasesRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var filterHash = FilterHash(request, "page_token", "page_size");
        var query = new CaseQuery(null, null, Empty(request.District),
            request.Status == Api.V1.CaseStatus.Unspecified ? null : (Core.Cases.CaseStatus)request.Status,
            request.Level == Level.Unspecified ? null : (int)request.Level,
            Empty(request.Category), FromTimestamp(request.CreatedAfter, "created_after"), FromTimestamp(request.CreatedBefore, "created_before"),
            ParsePageToken(request.PageToken, filterHash), request.PageSize);
        var page = await cases.ListAsync(caller, request.Parent, query, context.CancellationToken);
        var response = new ListCasesResponse { NextPageToken = page.LastId is { } last ? PageToken(last, filterHash) : "" };
        response.Cases.AddRange(page.Cases.Select(c => ToProto(c, caller)));
        return response;
    }

    public override async Task<ApiCase> AddNote(AddNoteRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var c = await cases.AddNoteAsync(new Actor(caller, PostId(request.Post)), request.Name, request.Etag,
            KeyOf(request, request.RequestId, caller.System, nameof(AddNote)), request.Text, request.InterimReply,
            FromTimestamp(request.ExpectedResolutionTime, "expected_resolution_time"), context.CancellationToken);
        return ToProto(c, caller);
    }

    public override async Task<ApiCase> ResolveCase(ResolveCaseRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var c = await cases.ResolveAsync(new Actor(caller, PostId(request.Post)), request.Name, request.Etag,
            KeyOf(request, request.RequestId, caller.System, nameof(ResolveCase)), request.Resolution, context.CancellationToken);
        return ToProto(c, caller);
    }

    private static NewCase ToNewCase(CreateCaseRequest r) => new(
        Empty(r.RequestId),
        new NewComplainant(r.Complainant?.Name ?? "", r.Complainant?.Phone ?? "", Empty(r.Complainant?.Email),
            Empty(r.Complainant?.Address), r.Complainant?.District ?? "", Empty(r.Complainant?.PreferredLanguage)),
        r.Channel == Api.V1.Channel.Unspecified ? null : (Core.Cases.Channel)r.Channel,
        r.Category, Empty(r.SubCategory), r.Description,
        r.Attachments.Select(a => new Core.Cases.Attachment(a.Uri, a.FileName, a.ContentType)).ToList(),
        Empty(r.District));

    /// <summary>Accepts a post's resource name (departments/{d}/posts/{p}) or its bare id.</summary>
    private static string? PostId(string post)
    {
        if (string.IsNullOrEmpty(post)) return null;
        var parts = post.Split('/');
        if (parts is ["departments", _, "posts", var id]) return id;
        if (parts.Length == 1) return post;
        throw CaseFlowException.Invalid("post", "must be 'departments/{department}/posts/{post}'.");
    }

    private ApiCase ToProto(DomainCase c, Caller caller)
    {
        var personal = caller.Can(Permissions.ReadPersonalData);
        var post = directory.Current.FindPost(c.AssignedPostId);
        var proto = new ApiCase
        {
            Name = c.ResourceName,
            Number = c.Number,
            Complainant = new Complainant
            {
                Name = personal ? c.ComplainantName : PersonalData.MaskName(c.ComplainantName),
                Phone = personal ? c.ComplainantPhone : PersonalData.MaskPhone(c.ComplainantPhone),
                Email = (personal ? c.ComplainantEmail : PersonalData.MaskEmail(c.ComplainantEmail)) ?? "",
                Address = (personal ? c.ComplainantAddress : PersonalData.MaskAddress(c.ComplainantAddress)) ?? "",
                District = c.ComplainantDistrict,
                PreferredLanguage = c.PreferredLanguage,
            },
            Channel = (Api.V1.Channel)c.Channel,
            Category = c.Category,
            SubCategory = c.SubCategory ?? "",
            Description = c.Description,
            Department = c.Department,
            District = c.District,
            Level = (Level)c.Level,
            AssignedPost = new AssignedPost
            {
                Name = CaseNames.FormatPost(c.Department, c.AssignedPostId),
                Level = (Level)c.Level,
                Designation = post?.Designation ?? "",
                DesignationHi = post?.DesignationHi ?? "",
                OfficerName = post?.OfficerName ?? "",
            },
            Status = (Api.V1.CaseStatus)c.Status,
            CreateTime = ToTimestamp(c.CreatedAt),
            UpdateTime = ToTimestamp(c.UpdatedAt),
            DueTime = ToTimestamp(c.DueAt),
            Resolution = c.Resolution ?? "",
            CreatedBy = c.CreatedBy,
            Etag = c.Etag,
            PersonalDataMasked = !personal,
            ReopenCount = c.ReopenCount,
            Habitual = c.Habitual,
            ChiefSecretaryReview = c.ChiefSecretaryReview,
            WarningTime = ToTimestamp(c.WarnedAt),
            ResolveTime = ToTimestamp(c.ResolvedAt),
            CloseTime = ToTimestamp(c.ClosedAt),
        };
        if (c.FeedbackAt is not null || c.FeedbackUnanswered)
            proto.Feedback = new Feedback
            {
                Satisfied = c.Satisfied ?? false, Rating = c.FeedbackRating ?? 0, CreateTime = ToTimestamp(c.FeedbackAt), Unanswered = c.FeedbackUnanswered,
            };
        if (c.SpecialCloseProposedAt is not null)
            proto.SpecialClose = new SpecialClose
            {
                Reason = c.SpecialCloseReason ?? "", Text = c.SpecialCloseText ?? "", ProposedBy = PostName(c.Department, c.SpecialCloseProposedBy),
                ProposeTime = ToTimestamp(c.SpecialCloseProposedAt), ApprovedBy = PostName(c.Department, c.SpecialCloseApprovedBy),
                Review = (ReviewState)c.SpecialCloseReview,
            };
        if (c.TransferToDepartment is not null)
            proto.Transfer = new Transfer { ToDepartment = c.TransferToDepartment, Reason = c.TransferReason ?? "", ProposedBy = PostName(c.Department, c.TransferProposedBy) };
        proto.Attachments.AddRange(c.Attachments.Select(a => new Api.V1.Attachment { Uri = a.Uri, FileName = a.FileName, ContentType = a.ContentType }));
        if (c.InterimReplyText is not null)
            proto.InterimReply = new InterimReply
            {
                Text = c.InterimReplyText,
                ExpectedResolutionTime = ToTimestamp(c.InterimReplyExpectedAt),
                CreateTime = ToTimestamp(c.InterimReplyAt),
            };
        return proto;
    }

    private static string PostName(string department, string? post) => post is null ? "" : CaseNames.FormatPost(department, post);

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
