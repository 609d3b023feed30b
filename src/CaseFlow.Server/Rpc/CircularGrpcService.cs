using CaseFlow.Api.V1;
using CaseFlow.Core.Access;
using CaseFlow.Core.Errors;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Circulars;
using Google.Protobuf;
using Grpc.Core;
using static CaseFlow.Server.Rpc.ProtoHelpers;
using ApiIndicator = CaseFlow.Api.V1.IndicatorValue;
using ApiIssue = CaseFlow.Api.V1.RecurringIssue;
using ApiRanking = CaseFlow.Api.V1.Ranking;
using ApiRow = CaseFlow.Api.V1.RankingRow;
using ApiTemplate = CaseFlow.Api.V1.CircularTemplate;
using ApiScorecard = CaseFlow.Api.V1.ScorecardVersion;
using Ranking = CaseFlow.Core.Ranking.Ranking;

namespace CaseFlow.Server.Rpc;

/// <summary>Thin adapter over the ranking snapshots, the circular archive and the template store. Reading needs ReadCases; changing needs Supervise.</summary>
public sealed class CircularGrpcService(RankingSnapshots rankings, CircularArchive archive, TemplateStore templates, ScorecardStore scorecards, PdfPrinter printer, TimeProvider time)
    : CircularService.CircularServiceBase
{
    public override async Task<ApiRanking> ComputeRanking(ComputeRankingRequest request, ServerCallContext context)
    {
        Require(context, Permissions.Supervise);
        var stored = await rankings.ComputeAndStoreAsync(PeriodOf(request.Period), null, context.CancellationToken);
        return ToProto(stored.Id, stored.Ranking);
    }

    public override async Task<ApiRanking> GetRanking(GetRankingRequest request, ServerCallContext context)
    {
        Require(context, Permissions.ReadCases);
        var stored = await rankings.GetAsync(request.Id, context.CancellationToken);
        return ToProto(stored.Id, stored.Ranking);
    }

    public override async Task<RenderedCircular> RenderRankingCircular(RenderRankingCircularRequest request, ServerCallContext context)
    {
        var caller = Require(context, Permissions.ReadCases);
        // A Head of Department's overdue list names that department's cases: only for systems of that department.
        if (!string.IsNullOrEmpty(request.Department)) caller.RequireDepartment(request.Department);
        if (request.Format is not ("html" or "pdf")) throw CaseFlowException.Invalid("format", "must be html or pdf");
        var ranking = await rankings.RankAsync(PeriodOf(request.Period), context.CancellationToken);
        var kind = string.IsNullOrEmpty(request.Department) ? CircularKinds.StateRanking : CircularKinds.HodOverdue;
        var issues = kind == CircularKinds.StateRanking
            ? await rankings.DetectAsync(CircularModels.WeekOf(ranking.Period), context.CancellationToken)
            : [];
        var doc = await archive.RenderAsync(kind, request.Language, kind == CircularKinds.HodOverdue ? request.Department : null, ranking, issues, 0, context.CancellationToken);
        var response = new RenderedCircular { Subject = doc.Subject, LetterNumber = doc.LetterNumber };
        if (request.Format == "pdf")
        {
            var pdf = (await printer.PrintAsync([doc.Html], context.CancellationToken))[0];
            if (pdf.Pdf is not null)
            {
                response.ContentType = "application/pdf";
                response.Content = ByteString.CopyFrom(pdf.Pdf);
                return response;
            }
            response.PdfSkippedReason = pdf.SkippedReason ?? "";
        }
        response.ContentType = "text/html; charset=utf-8";
        response.Content = ByteString.CopyFrom(doc.Utf8());
        return response;
    }

    public override async Task<ListCircularsResponse> ListCirculars(ListCircularsRequest request, ServerCallContext context)
    {
        var caller = Require(context, Permissions.ReadCases);
        var filterHash = FilterHash(request, "page_token", "page_size");
        var size = Core.Paging.Size(request.PageSize);
        var (page, last) = await archive.ListAsync(ParsePageToken(request.PageToken, filterHash), size, caller.Departments, context.CancellationToken);
        var response = new ListCircularsResponse { NextPageToken = last is { } id ? PageToken(id, filterHash) : "" };
        response.Circulars.AddRange(page.Select(ToProto));
        return response;
    }

    public override async Task<Circular> GetCircular(GetCircularRequest request, ServerCallContext context)
    {
        var caller = Require(context, Permissions.ReadCases);
        var circular = await archive.GetAsync(request.Id, context.CancellationToken);
        if (!string.IsNullOrEmpty(circular.Department)) caller.RequireDepartment(circular.Department);
        return ToProto(circular);
    }

    public override async Task<ListRecurringIssuesResponse> ListRecurringIssues(ListRecurringIssuesRequest request, ServerCallContext context)
    {
        Require(context, Permissions.ReadCases);
        var week = string.IsNullOrEmpty(request.Week) ? CircularModels.WeekOf(RankingPeriod.WeekBefore(time.GetUtcNow())) : IsoWeek.Parse(request.Week);
        var response = new ListRecurringIssuesResponse();
        response.Issues.AddRange((await rankings.RecurringIssuesAsync(week, context.CancellationToken)).Select(ToProto));
        return response;
    }

    public override async Task<ApiTemplate> SaveTemplate(SaveTemplateRequest request, ServerCallContext context)
    {
        var caller = Require(context, Permissions.Supervise);
        return ToProto(await templates.SaveAsync(request.Name, request.Text, caller.System, context.CancellationToken));
    }

    public override async Task<ApiTemplate> GetTemplate(GetTemplateRequest request, ServerCallContext context)
    {
        Require(context, Permissions.ReadCases);
        return ToProto(await templates.GetAsync(request.Name, context.CancellationToken));
    }

    public override async Task<ApiScorecard> SaveScorecard(SaveScorecardRequest request, ServerCallContext context)
    {
        var caller = Require(context, Permissions.Supervise);
        return ToProto(await scorecards.SaveAsync(request.ScorecardJson, request.Note, caller.System, request.ValidateOnly, context.CancellationToken));
    }

    public override async Task<ApiScorecard> GetScorecard(GetScorecardRequest request, ServerCallContext context)
    {
        Require(context, Permissions.ReadCases);
        return ToProto(await scorecards.GetAsync(request.Version, context.CancellationToken));
    }

    private static ApiScorecard ToProto(Circulars.ScorecardVersion v)
    {
        var proto = new ApiScorecard
        {
            Version = v.Scorecard.Version, Name = v.Scorecard.Name, ScorecardJson = v.Json, SavedBy = v.SavedBy, Note = v.Note, Shipped = v.Shipped,
        };
        if (v.SavedAt is { } at) proto.SaveTime = ToTimestamp(at);
        return proto;
    }

    private static Caller Require(ServerCallContext context, Permissions permission)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        caller.Require(permission);
        return caller;
    }

    private RankingPeriod PeriodOf(Period? p)
    {
        if (p is null || (p.StartTime is null && p.EndTime is null)) return RankingPeriod.WeekBefore(time.GetUtcNow());
        if (p.StartTime is null || p.EndTime is null) throw CaseFlowException.Invalid("period", "give both start_time and end_time, or neither");
        var period = new RankingPeriod(FromTimestamp(p.StartTime, "period.start_time")!.Value, FromTimestamp(p.EndTime, "period.end_time")!.Value);
        period.Validate();
        return period;
    }

    private static ApiRanking ToProto(long id, Ranking r)
    {
        var response = new ApiRanking
        {
            Id = id,
            Period = new Period { StartTime = ToTimestamp(r.Period.From), EndTime = ToTimestamp(r.Period.To) },
            ComputeTime = ToTimestamp(r.ComputedAt),
            ScorecardVersion = r.ScorecardVersion,
        };
        response.Departments.AddRange(r.Departments.Select(ToProto));
        response.DepartmentDistricts.AddRange(r.DepartmentDistricts.Select(ToProto));
        return response;
    }

    private static ApiRow ToProto(Core.Ranking.RankingRow r)
    {
        var row = new ApiRow
        {
            Rank = r.Rank, Department = r.Department, District = r.District ?? "", Score = r.Score, Grade = r.Grade, PeerGroup = r.PeerGroup,
            ActiveCases = r.Counts.Active, Disposed = r.Counts.Disposed, Open = r.Counts.Open, ForceClosed = r.Counts.ForceClosed,
            SpecialCloseUnderReview = r.Counts.SpecialCloseUnderReview, SharedWith = r.SharedWith, NotSatisfied = r.Counts.NotSatisfied,
            AwaitingConfirmation = r.Counts.AwaitingConfirmation, PastLimit = r.Counts.PastLimit, PastLimitUpTo7Days = r.Counts.PastLimitUpTo7Days,
            PastLimit8To30Days = r.Counts.PastLimit8To30Days, PastLimitOver30Days = r.Counts.PastLimitOver30Days, ChiefSecretaryReview = r.Counts.ChiefSecretaryReview,
        };
        foreach (var i in r.Indicators)
        {
            var value = new ApiIndicator { Id = i.Id, Numerator = i.Numerator, Denominator = i.Denominator, Weight = i.Weight };
            if (i.Value is { } v) value.Value = v;
            if (i.Points is { } p) value.Points = p;
            row.Indicators.Add(value);
        }
        return row;
    }

    private static Circular ToProto(ArchivedCircular c)
    {
        var proto = new Circular
        {
            Id = c.Id, Kind = c.Kind, Language = c.Language, Department = c.Department ?? "", LetterNumber = c.LetterNumber, Subject = c.Subject,
            CreateTime = ToTimestamp(c.CreatedAt), RankingId = c.RankingSnapshotId, PdfSkippedReason = c.PdfSkippedReason ?? "",
            DeliverTime = ToTimestamp(c.DeliveredAt), DeliveryNote = c.DeliveryNote ?? "",
        };
        proto.Recipients.AddRange(c.Recipients);
        if (c.Html is not null) proto.Html = ByteString.CopyFromUtf8(c.Html);
        if (c.Pdf is not null) proto.Pdf = ByteString.CopyFrom(c.Pdf);
        return proto;
    }

    private static ApiIssue ToProto(Core.Ranking.RecurringIssue i)
    {
        var proto = new ApiIssue
        {
            Category = i.Category, District = i.District, Department = i.Department, Week = i.Week.ToString(), Count = i.Count,
            BaselineAverage = i.BaselineAverage, Reason = i.Reason,
        };
        proto.SampleCaseNumbers.AddRange(i.SampleCaseNumbers);
        proto.Keywords.AddRange(i.Keywords ?? []);
        return proto;
    }

    private static ApiTemplate ToProto(Circulars.CircularTemplate t) =>
        new() { Name = t.Name, Version = t.Version, Text = t.Text, SaveTime = ToTimestamp(t.SavedAt), SavedBy = t.SavedBy };
}
