using CaseFlow.Core.Access;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Cases;

/// <summary>
/// The case operations every integrating system uses: authorisation, validation, routing and the state
/// rules, in front of the store. The gRPC adapter maps to and from this and nothing more.
/// </summary>
public sealed class CaseService(ICaseStore store, IDirectoryProvider directory, TimeProvider time)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public async Task<Case> CreateAsync(Actor actor, NewCase request, RequestKey? key, CancellationToken ct)
    {
        actor.Caller.Require(Permissions.CreateCases);
        var dir = directory.Current;
        var violations = CaseValidator.Validate(request, dir);
        if (violations.Count > 0)
            throw CaseFlowException.Invalid(violations);

        var category = dir.CategoriesById[request.Category];
        var district = string.IsNullOrEmpty(request.District) ? request.Complainant.District : request.District;
        actor.Caller.RequireDepartment(category.Department);
        var post = dir.PostFor(category.Department, district, 1)
                   ?? throw new CaseFlowException(ErrorKind.FailedPrecondition, "NO_POST_MAPPED",
                       $"No L1 post is mapped for department '{category.Department}' in district '{district}'; the directory must be completed first.");

        var now = time.GetUtcNow();
        var c = new Case
        {
            Department = category.Department,
            District = district,
            Category = category.Id,
            SubCategory = string.IsNullOrEmpty(request.SubCategory) ? null : request.SubCategory,
            Channel = request.Channel!.Value,
            ComplainantName = request.Complainant.Name.Trim(),
            ComplainantPhone = CaseValidator.NormalisePhone(request.Complainant.Phone)!,
            ComplainantEmail = NullIfEmpty(request.Complainant.Email),
            ComplainantAddress = NullIfEmpty(request.Complainant.Address),
            ComplainantDistrict = request.Complainant.District,
            PreferredLanguage = string.IsNullOrEmpty(request.Complainant.PreferredLanguage) ? "hi" : request.Complainant.PreferredLanguage,
            Description = request.Description,
            Attachments = request.Attachments.ToList(),
            Level = 1,
            AssignedPostId = post.Id,
            Status = CaseStatus.Registered,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = actor.Caller.System,
        };
        var registered = new CaseEvent
        {
            Type = CaseEventType.Registered,
            At = now,
            ActorSystem = actor.Caller.System,
            ActorPost = actor.PostId,
            Text = $"Registered via {c.Channel}; assigned to {post.Designation} (L1).",
        };
        var prefix = $"{dir.CaseNumberPrefix}-{IndiaTime.ToIst(now).Year}";
        return await store.CreateAsync(c, prefix, key, registered, ct);
    }

    public async Task<Case> GetAsync(Caller caller, string name, CancellationToken ct)
    {
        caller.Require(Permissions.ReadCases);
        return await FindAuthorisedAsync(caller, name, ct);
    }

    public async Task<CasePage> ListAsync(Caller caller, string parent, CaseQuery filter, CancellationToken ct)
    {
        caller.Require(Permissions.ReadCases);
        if (!CaseNames.TryParseParent(parent, out var department))
            throw CaseFlowException.Invalid("parent", "must be 'departments/{department}' or 'departments/-'.");
        if (department != CaseNames.AnyDepartment)
        {
            caller.RequireDepartment(department);
            if (!directory.Current.DepartmentsById.ContainsKey(department))
                throw CaseFlowException.NotFound("Department", department);
        }
        if (filter.PageSize < 0)
            throw CaseFlowException.Invalid("page_size", "must not be negative.");
        var query = filter with
        {
            Department = department == CaseNames.AnyDepartment ? null : department,
            AllowedDepartments = caller.Departments,
            PageSize = filter.PageSize == 0 ? DefaultPageSize : Math.Min(filter.PageSize, MaxPageSize),
        };
        return await store.ListAsync(query, ct);
    }

    public Task<Case> AddNoteAsync(Actor actor, string name, string? etag, RequestKey? key, string text,
        bool interimReply, DateTimeOffset? expectedResolution, CancellationToken ct)
    {
        var violations = new List<FieldViolation>();
        CaseValidator.CheckRequestId(key?.RequestId, required: false, violations);
        if (string.IsNullOrWhiteSpace(text))
            violations.Add(new("text", "is required."));
        else
            CaseValidator.CheckText("text", text, CaseValidator.MaxNoteLength, multiline: true, violations);
        if (violations.Count > 0)
            throw CaseFlowException.Invalid(violations);

        return ChangeAsync(actor, name, key, minimumLevel: null, c =>
        {
            CaseStateMachine.CheckEtag(c, etag);
            var now = time.GetUtcNow();
            CaseStateMachine.AddNote(c, now, text, interimReply, expectedResolution);
            return Event(c, interimReply ? CaseEventType.InterimReply : CaseEventType.NoteAdded, now, actor, text);
        }, ct);
    }

    public Task<Case> ResolveAsync(Actor actor, string name, string? etag, RequestKey? key, string resolution, CancellationToken ct)
    {
        var violations = new List<FieldViolation>();
        CaseValidator.CheckRequestId(key?.RequestId, required: false, violations);
        if (string.IsNullOrWhiteSpace(resolution))
            violations.Add(new("resolution", "is required: say what was done for the complainant."));
        else
            CaseValidator.CheckText("resolution", resolution, CaseValidator.MaxNoteLength, multiline: true, violations);
        if (violations.Count > 0)
            throw CaseFlowException.Invalid(violations);

        return ChangeAsync(actor, name, key, minimumLevel: c => c.Level, c =>
        {
            CaseStateMachine.CheckEtag(c, etag);
            var now = time.GetUtcNow();
            CaseStateMachine.Resolve(c, now, resolution);
            return Event(c, CaseEventType.Resolved, now, actor, resolution);
        }, ct);
    }

    private async Task<Case> ChangeAsync(Actor actor, string name, RequestKey? key, Func<Case, int>? minimumLevel,
        Func<Case, CaseEvent> change, CancellationToken ct)
    {
        actor.Caller.Require(Permissions.ActOnCases);
        var current = await FindAuthorisedAsync(actor.Caller, name, ct);
        var dir = directory.Current;
        return await store.UpdateAsync(current.Number, key, c =>
        {
            // Checked again inside the store's transaction: a transfer may have moved the case meanwhile.
            actor.Caller.RequireDepartment(c.Department);
            CheckActingPost(dir, actor.PostId, c, minimumLevel?.Invoke(c));
            return change(c);
        }, ct);
    }

    private async Task<Case> FindAuthorisedAsync(Caller caller, string name, CancellationToken ct)
    {
        if (!CaseNames.TryParse(name, out var department, out var number))
            throw CaseFlowException.Invalid("name", "must be 'departments/{department}/cases/{number}'.");
        // Permission comes before existence, so a caller cannot probe other departments' case numbers.
        if (department != CaseNames.AnyDepartment)
            caller.RequireDepartment(department);
        var c = await store.FindAsync(number, ct);
        if (c is null)
            throw CaseFlowException.NotFound("Case", name);
        caller.RequireDepartment(c.Department);
        if (department != CaseNames.AnyDepartment && department != c.Department)
            throw new CaseFlowException(ErrorKind.NotFound, "CASE_MOVED",
                $"Case {number} now belongs to department '{c.Department}'; its name is {c.ResourceName}.",
                metadata: new Dictionary<string, string> { ["name"] = c.ResourceName });
        return c;
    }

    private static void CheckActingPost(DirectorySnapshot dir, string? postId, Case c, int? minimumLevel)
    {
        if (string.IsNullOrEmpty(postId))
            return;
        var post = dir.FindPost(postId);
        if (post is null)
            throw CaseFlowException.Invalid("post", $"'{postId}' is not a known post.");
        if (post.Department != c.Department)
            throw CaseFlowException.Denied($"Post '{postId}' belongs to department '{post.Department}', not '{c.Department}'.");
        if (minimumLevel is { } level && post.Level < level)
            throw CaseFlowException.Denied($"Post '{postId}' is at L{post.Level}; case {c.Number} is at L{level}.");
    }

    private static CaseEvent Event(Case c, CaseEventType type, DateTimeOffset now, Actor actor, string? text) => new()
    {
        CaseNumber = c.Number,
        Department = c.Department,
        Type = type,
        At = now,
        ActorSystem = actor.Caller.System,
        ActorPost = actor.PostId,
        Text = text,
        CaseVersion = c.Version,
    };

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
