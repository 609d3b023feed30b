using CaseFlow.Api.V1;
using CaseFlow.Core.Access;
using CaseFlow.Core.Calendars;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Persistence;
using Grpc.Core;
using static CaseFlow.Server.Rpc.ProtoHelpers;
using ApiCategory = CaseFlow.Api.V1.Category;
using ApiDepartment = CaseFlow.Api.V1.Department;
using ApiDistrict = CaseFlow.Api.V1.District;
using ApiPost = CaseFlow.Api.V1.Post;
using DomainPost = CaseFlow.Core.Directory.Post;

namespace CaseFlow.Server.Rpc;

/// <summary>Thin adapter over the directory: public reads for any authenticated system, changes for admins.</summary>
public sealed class DirectoryGrpcService(DirectoryStore directory, CalendarStore calendars) : DirectoryService.DirectoryServiceBase
{
    public override Task<ListDepartmentsResponse> ListDepartments(ListDepartmentsRequest request, ServerCallContext context)
    {
        var response = new ListDepartmentsResponse();
        response.Departments.AddRange(directory.Current.Departments.Select(d => new ApiDepartment
        {
            Name = $"departments/{d.Id}", Id = d.Id, DisplayName = d.Name, DisplayNameHi = d.NameHi,
        }));
        return Task.FromResult(response);
    }

    public override Task<ListDistrictsResponse> ListDistricts(ListDistrictsRequest request, ServerCallContext context)
    {
        var response = new ListDistrictsResponse();
        response.Districts.AddRange(directory.Current.Districts.Select(d => new ApiDistrict
        {
            Id = d.Id, DisplayName = d.Name, DisplayNameHi = d.NameHi, Division = d.Division,
        }));
        return Task.FromResult(response);
    }

    public override Task<ListCategoriesResponse> ListCategories(ListCategoriesRequest request, ServerCallContext context)
    {
        var dir = directory.Current;
        if (!string.IsNullOrEmpty(request.Department) && !dir.DepartmentsById.ContainsKey(request.Department))
            throw CaseFlowException.NotFound("Department", request.Department);
        var response = new ListCategoriesResponse();
        foreach (var c in dir.Categories.Where(c => string.IsNullOrEmpty(request.Department) || c.Department == request.Department))
        {
            var category = new ApiCategory
            {
                Id = c.Id, DisplayName = c.Name, DisplayNameHi = c.NameHi, Department = c.Department, WorkflowDefinition = c.Workflow ?? "",
            };
            category.SubCategories.AddRange(c.SubCategories.Select(s => new Api.V1.SubCategory { Id = s.Id, DisplayName = s.Name, DisplayNameHi = s.NameHi }));
            response.Categories.Add(category);
        }
        return Task.FromResult(response);
    }

    public override Task<ListSpecialCloseReasonsResponse> ListSpecialCloseReasons(ListSpecialCloseReasonsRequest request, ServerCallContext context)
    {
        var response = new ListSpecialCloseReasonsResponse();
        response.Reasons.AddRange(directory.Current.SpecialCloseReasons.Select(r => new Api.V1.SpecialCloseReason
        {
            Code = r.Code, DisplayName = r.Name, DisplayNameHi = r.NameHi,
        }));
        return Task.FromResult(response);
    }

    public override Task<EscalationChain> GetEscalationChain(GetEscalationChainRequest request, ServerCallContext context)
    {
        var dir = directory.Current;
        var bad = new List<FieldViolation>();
        if (!dir.DepartmentsById.ContainsKey(request.Department)) bad.Add(new("department", $"'{TextLimit.Echo(request.Department)}' is not a known department."));
        if (!dir.DistrictsById.ContainsKey(request.District)) bad.Add(new("district", $"'{TextLimit.Echo(request.District)}' is not a known district."));
        if (bad.Count > 0) throw CaseFlowException.Invalid(bad);
        var chain = new EscalationChain { Department = request.Department, District = request.District };
        chain.Posts.AddRange(dir.Chain(request.Department, request.District).OfType<DomainPost>().Select(ToProto));
        return Task.FromResult(chain);
    }

    public override Task<CheckDirectoryResponse> CheckDirectory(CheckDirectoryRequest request, ServerCallContext context)
    {
        CaseFlowInterceptor.CallerOf(context).Require(Permissions.AdministerDirectory);
        var response = new CheckDirectoryResponse();
        response.Violations.AddRange(DirectoryRules.Check(directory.Current).Select(v => new Api.V1.DirectoryViolation
        {
            Department = v.Department, DepartmentDisplayName = v.DepartmentName, District = v.District ?? "",
            Level = (Level)v.Level, Rule = v.Rule, Message = v.Message,
        }));
        return Task.FromResult(response);
    }

    public override async Task<ApiPost> ReplacePost(ReplacePostRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        caller.Require(Permissions.AdministerDirectory);
        var post = DirectoryChanges.Validate(directory.Current, request.Department, request.District, (int)request.Level,
            request.OfficerName, request.Designation, request.DesignationHi, request.Phone, request.Email,
            request.HeadOfDepartment, request.Reason, request.RequestId);
        return ToProto(await directory.ReplacePostAsync(caller.System, string.IsNullOrEmpty(request.RequestId) ? null : request.RequestId,
            post, request.Reason, context.CancellationToken));
    }

    public override async Task<ListPostChangesResponse> ListPostChanges(ListPostChangesRequest request, ServerCallContext context)
    {
        CaseFlowInterceptor.CallerOf(context).Require(Permissions.AdministerDirectory);
        var changes = await directory.ListChangesAsync(request.Department, Core.Paging.Size(request.PageSize), context.CancellationToken);
        var response = new ListPostChangesResponse();
        response.Changes.AddRange(changes.Select(c => new Api.V1.PostChange
        {
            Post = CaseNames.FormatPost(c.Department, c.PostId), ChangedBy = c.ChangedBy, ChangeTime = ToTimestamp(c.At),
            PreviousOfficerName = c.PreviousOfficerName ?? "", NewOfficerName = c.NewOfficerName,
            PreviousDesignation = c.PreviousDesignation ?? "", NewDesignation = c.NewDesignation, Reason = c.Reason,
        }));
        return response;
    }

    public override Task<Calendar> GetCalendar(GetCalendarRequest request, ServerCallContext context) =>
        Task.FromResult(ToProto(calendars.Get(string.IsNullOrEmpty(request.Id) ? ICalendarProvider.DefaultId : request.Id)));

    public override async Task<Calendar> AddHoliday(AddHolidayRequest request, ServerCallContext context)
    {
        var caller = CaseFlowInterceptor.CallerOf(context);
        caller.Require(Permissions.AdministerDirectory);
        var errors = new List<FieldViolation>();
        if (!DateOnly.TryParseExact(request.Holiday?.Date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
            errors.Add(new("holiday.date", "must be a date as yyyy-MM-dd."));
        if (string.IsNullOrWhiteSpace(request.Holiday?.Name))
            errors.Add(new("holiday.name", "is required."));
        if (errors.Count > 0) throw CaseFlowException.Invalid(errors);
        var id = string.IsNullOrEmpty(request.Calendar) ? ICalendarProvider.DefaultId : request.Calendar;
        var updated = await calendars.AddHolidayAsync(id, new Core.Calendars.Holiday(date, request.Holiday!.Name.Trim(),
            string.IsNullOrWhiteSpace(request.Holiday.NameHi) ? null : request.Holiday.NameHi.Trim()), caller.System, context.CancellationToken);
        return ToProto(updated);
    }

    private static Calendar ToProto(Core.Calendars.WorkingCalendar c)
    {
        var proto = new Calendar { Id = c.Id, Name = c.Name, SecondSaturdayOff = c.SecondSaturdayOff };
        proto.WeeklyOffs.AddRange(c.WeeklyOffs.Order().Select(d => d.ToString()));
        proto.Holidays.AddRange(c.Holidays.Select(h => new Api.V1.Holiday
        {
            Date = h.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Name = h.Name, NameHi = h.NameHi ?? "",
        }));
        return proto;
    }

    private static ApiPost ToProto(DomainPost p) => new()
    {
        Name = CaseNames.FormatPost(p.Department, p.Id), Id = p.Id, Department = p.Department, District = p.District ?? "",
        Level = (Level)p.Level, Designation = p.Designation, DesignationHi = p.DesignationHi, OfficerName = p.OfficerName,
        Phone = p.Phone, Email = p.Email, HeadOfDepartment = p.HeadOfDepartment, UpdateTime = ToTimestamp(p.UpdatedAt == default ? null : p.UpdatedAt),
    };
}
