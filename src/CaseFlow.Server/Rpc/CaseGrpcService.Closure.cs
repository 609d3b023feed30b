using CaseFlow.Api.V1;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using Grpc.Core;
using static CaseFlow.Server.Rpc.ProtoHelpers;
using ApiCase = CaseFlow.Api.V1.Case;
using DomainCase = CaseFlow.Core.Cases.Case;

namespace CaseFlow.Server.Rpc;

/// <summary>The closure family, transfers, escalation and the audit trail: one domain call each.</summary>
public sealed partial class CaseGrpcService
{
    public override Task<ApiCase> RecordFeedback(RecordFeedbackRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, "", (actor, key, ct) => cases.RecordFeedbackAsync(actor, r.Name, r.Etag, key,
            r.Channel == Api.V1.FeedbackChannel.Unspecified ? null : (Core.Cases.FeedbackChannel)r.Channel,
            r.Satisfied, r.Rating == 0 ? null : r.Rating, r.Remark, r.TakenBy, ct));

    public override Task<ApiCase> ProposeSpecialClose(ProposeSpecialCloseRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.ProposeSpecialCloseAsync(actor, r.Name, r.Etag, key, r.Reason, r.Text, ct));

    public override Task<ApiCase> ApproveSpecialClose(DecideRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.DecideSpecialCloseAsync(actor, r.Name, r.Etag, key, approve: true, r.Text, ct));

    public override Task<ApiCase> RejectSpecialClose(DecideRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.DecideSpecialCloseAsync(actor, r.Name, r.Etag, key, approve: false, r.Text, ct));

    public override Task<ApiCase> UpholdSpecialClose(DecideRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.ReviewSpecialCloseAsync(actor, r.Name, r.Etag, key, uphold: true, r.Text, ct));

    public override Task<ApiCase> ReverseSpecialClose(DecideRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.ReviewSpecialCloseAsync(actor, r.Name, r.Etag, key, uphold: false, r.Text, ct));

    public override Task<ApiCase> ForceCloseCase(ForceCloseCaseRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.ForceCloseAsync(actor, r.Name, r.Etag, key, r.Notice, ct));

    public override Task<ApiCase> ProposeTransfer(ProposeTransferRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.ProposeTransferAsync(actor, r.Name, r.Etag, key, r.ToDepartment, r.Reason, ct));

    public override Task<ApiCase> ApproveTransfer(DecideRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.DecideTransferAsync(actor, r.Name, r.Etag, key, approve: true, r.Text, ct));

    public override Task<ApiCase> RejectTransfer(DecideRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.DecideTransferAsync(actor, r.Name, r.Etag, key, approve: false, r.Text, ct));

    public override Task<ApiCase> EscalateCase(EscalateCaseRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.EscalateAsync(actor, r.Name, r.Etag, key, r.Reason, ct));

    public override Task<ApiCase> SendBackCase(EscalateCaseRequest r, ServerCallContext context) =>
        Act(context, r, r.RequestId, r.Post, (actor, key, ct) => cases.SendBackAsync(actor, r.Name, r.Etag, key, r.Reason, ct));

    public override async Task<ListCasesResponse> ListSpecialCloseReviews(ListSpecialCloseReviewsRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var filterHash = FilterHash(request, "page_token", "page_size");
        var page = await cases.ListSpecialCloseReviewsAsync(caller, request.Parent, ParsePageToken(request.PageToken, filterHash), request.PageSize, context.CancellationToken);
        var response = new ListCasesResponse { NextPageToken = page.LastId is { } last ? PageToken(last, filterHash) : "" };
        response.Cases.AddRange(page.Cases.Select(c => ToProto(c, caller)));
        return response;
    }

    public override async Task<GetCaseHistoryResponse> GetCaseHistory(GetCaseHistoryRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var events = await cases.GetHistoryAsync(caller, request.Name, context.CancellationToken);
        var response = new GetCaseHistoryResponse();
        response.Events.AddRange(events.Select(e => CaseEventFeed.ToProto(e)));
        return response;
    }

    public override Task WatchCaseEvents(WatchCaseEventsRequest request, IServerStreamWriter<WatchCaseEventsResponse> responseStream, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var query = cases.WatchQuery(caller, request.Parent, request.EventTypes);
        return feed.StreamAsync(query, request.ResumeToken, responseStream.WriteAsync, context.CancellationToken);
    }

    public override async Task<FlagHabitualComplainantResponse> FlagHabitualComplainant(FlagHabitualComplainantRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var marked = await cases.FlagHabitualAsync(caller, request.Phone, request.Reason, context.CancellationToken);
        return new FlagHabitualComplainantResponse { Phone = CaseValidator.NormalisePhone(request.Phone) ?? request.Phone, CasesMarked = marked };
    }

    private async Task<ApiCase> Act<T>(ServerCallContext context, T request, string requestId, string post,
        Func<Actor, RequestKey?, CancellationToken, Task<DomainCase>> call, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
        where T : Google.Protobuf.IMessage<T>
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        var c = await call(new Actor(caller, PostId(post)), KeyOf(request, requestId, caller.System, method), context.CancellationToken);
        return ToProto(c, caller);
    }
}
