using CaseFlow.Core.Access;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Cases;

/// <summary>
/// The case operations every integrating system uses: authorisation, validation, routing and the state
/// rules, in front of the store. The gRPC adapter maps to and from this and nothing more.
/// </summary>
public sealed class CaseService(ICaseStore store, IDirectoryProvider directory, ClosurePolicy policy, TimeProvider time)
{

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
            LastActionAt = now,
            CreatedBy = actor.Caller.System,
            Replay = Ranking.CaseReplay.Start,
        };
        // Its case number and version are the writer's to fill in when it numbers the case.
        var registered = CaseEvent.Of(c, CaseEventType.Registered, now, actor.Caller.System, actor.PostId,
            $"Registered via {c.Channel}; assigned to {post.Designation} (L1).");
        var prefix = $"{dir.CaseNumberPrefix}-{IndiaTime.ToIst(now).Year}";
        var dayStart = new DateTimeOffset(IndiaTime.ToIst(now).Date, IndiaTime.Offset);
        return await store.CreateAsync(c, prefix, key, registered, new ComplaintCap(policy.MaxComplaintsPerPhonePerDay, dayStart), ct);
    }

    public async Task<Case> GetAsync(Caller caller, string name, CancellationToken ct)
    {
        caller.Require(Permissions.ReadCases);
        return await FindVisibleAsync(caller, name, ct);
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
        var query = filter with
        {
            Department = department == CaseNames.AnyDepartment ? null : department,
            AllowedDepartments = caller.Departments,
            PageSize = Paging.Size(filter.PageSize),
        };
        return await store.ListAsync(query, ct);
    }

    public Task<Case> AddNoteAsync(Actor actor, string name, string? etag, RequestKey? key, string text,
        bool interimReply, DateTimeOffset? expectedResolution, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: false, () => RequireText(key, ("text", text)), (c, post, now) =>
        {
            CaseStateMachine.AddNote(c, now, text, interimReply, expectedResolution);
            return (interimReply ? CaseEventType.InterimReply : CaseEventType.NoteAdded, text);
        }, ct);
    }

    public Task<Case> ResolveAsync(Actor actor, string name, string? etag, RequestKey? key, string resolution, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: false, () => RequireText(key, ("resolution", resolution)), (c, post, now) =>
        {
            if (post is not null && post.Level < c.Level)
                throw CaseFlowException.Denied($"Post '{post.Id}' is at L{post.Level}; case {c.Number} is at L{c.Level}.");
            CaseStateMachine.Resolve(c, now, resolution);
            return (CaseEventType.Resolved, resolution);
        }, ct);
    }

    /// <summary>The complainant's answer, taken by the call centre, IVRS, SMS, the app or the portal.</summary>
    public Task<Case> RecordFeedbackAsync(Actor actor, string name, string? etag, RequestKey? key, FeedbackChannel? channel,
        bool satisfied, int? rating, string? remark, string? takenBy, CancellationToken ct)
    {
        void Validate()
        {
            var errors = new List<FieldViolation>();
            CaseValidator.CheckRequestId(key?.RequestId, required: false, errors);
            if (channel is null || !Enum.IsDefined(channel.Value)) errors.Add(new("channel", "must be call-back, IVRS, SMS, app or portal."));
            if (rating is < 1 or > 5) errors.Add(new("rating", "must be between 1 and 5."));
            if (!string.IsNullOrEmpty(remark)) CaseValidator.CheckText("remark", remark, TextLimit.Note, true, errors);
            if (!string.IsNullOrEmpty(takenBy)) CaseValidator.CheckText("taken_by", takenBy, TextLimit.Name, false, errors);
            if (errors.Count > 0) throw CaseFlowException.Invalid(errors);
        }
        return ChangeAsync(actor, name, etag, key, Permissions.RecordFeedback, postRequired: false, Validate, (c, post, now) =>
        {
            CaseStateMachine.RecordFeedback(c, now, satisfied, rating);
            var text = $"{(satisfied ? "Satisfied" : "Not satisfied")} via {channel}" + (rating is { } r ? $", rating {r}/5" : "") +
                       (string.IsNullOrEmpty(takenBy) ? "" : $", taken by {takenBy}") + (string.IsNullOrEmpty(remark) ? "" : $": {remark}");
            return (CaseEventType.FeedbackRecorded, text);
        }, ct, followUp: c => c.Status == CaseStatus.Closed ? CaseEventType.Closed : CaseEventType.Reopened);
    }

    public Task<Case> ProposeSpecialCloseAsync(Actor actor, string name, string? etag, RequestKey? key, string reasonCode, string text, CancellationToken ct)
    {
        void Validate()
        {
            RequireText(key, ("text", text));
            if (directory.Current.SpecialCloseReasons.All(r => r.Code != reasonCode))
                throw CaseFlowException.Invalid("reason", $"'{TextLimit.Echo(reasonCode)}' is not a special-close reason; use one of: " +
                    string.Join(", ", directory.Current.SpecialCloseReasons.Select(r => r.Code)) + ".");
        }
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: true, Validate, (c, post, now) =>
        {
            CaseStateMachine.ProposeSpecialClose(c, now, post!, reasonCode, text);
            return (CaseEventType.SpecialCloseProposed, $"{reasonCode}: {text}");
        }, ct);
    }

    public Task<Case> DecideSpecialCloseAsync(Actor actor, string name, string? etag, RequestKey? key, bool approve, string? text, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: true, () => RequireOptionalText(key, "text", text), (c, post, now) =>
        {
            CaseStateMachine.DecideSpecialClose(c, now, post!, approve, policy.SampledForReview(c.Number));
            return (approve ? CaseEventType.SpecialCloseApproved : CaseEventType.SpecialCloseRejected, text);
        }, ct);
    }

    public Task<Case> ReviewSpecialCloseAsync(Actor actor, string name, string? etag, RequestKey? key, bool uphold, string text, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.Supervise, postRequired: false, () => RequireText(key, ("text", text)), (c, post, now) =>
        {
            CaseStateMachine.ReviewSpecialClose(c, now, uphold);
            return (uphold ? CaseEventType.SpecialCloseUpheld : CaseEventType.SpecialCloseReversed, text);
        }, ct);
    }

    public Task<Case> ForceCloseAsync(Actor actor, string name, string? etag, RequestKey? key, string noticeToComplainant, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: true, () => RequireText(key, ("notice", noticeToComplainant)), (c, post, now) =>
        {
            CaseStateMachine.ForceClose(c, now, post!, policy.ForceCloseEnabled);
            return (CaseEventType.ForceClosed, "Notice to complainant: " + noticeToComplainant);
        }, ct);
    }

    public Task<Case> ProposeTransferAsync(Actor actor, string name, string? etag, RequestKey? key, string toDepartment, string reason, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: false, () => RequireText(key, ("reason", reason)), (c, post, now) =>
        {
            CaseStateMachine.ProposeTransfer(c, now, post, toDepartment, reason, directory.Current);
            return (CaseEventType.TransferProposed, $"To {toDepartment}: {reason}");
        }, ct);
    }

    public Task<Case> DecideTransferAsync(Actor actor, string name, string? etag, RequestKey? key, bool approve, string? text, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases | Permissions.Supervise, postRequired: false, () => RequireOptionalText(key, "text", text), (c, post, now) =>
        {
            var from = c.Department;
            var supervisor = actor.Caller.Can(Permissions.Supervise);
            // The receiving department decides: the sending one proposed, and must not also dispose of the case.
            if (c.Status == CaseStatus.TransferProposed && !supervisor && !actor.Caller.IsReceiving(c))
                throw new CaseFlowException(ErrorKind.PermissionDenied, "TRANSFER_DECIDED_BY_RECEIVER",
                    $"A transfer to '{c.TransferToDepartment}' is decided by that department (its L2 or above) or the nodal agency, not by '{actor.Caller.System}'.");
            CaseStateMachine.DecideTransfer(c, now, post, supervisor, approve, directory.Current);
            return (approve ? CaseEventType.TransferApproved : CaseEventType.TransferRejected,
                approve ? $"Transferred from {from} to {c.Department}; assigned to {c.AssignedPostId}. {text}".TrimEnd() : text);
        }, ct, transferDecision: true);
    }

    public Task<Case> EscalateAsync(Actor actor, string name, string? etag, RequestKey? key, string reason, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: true, () => RequireText(key, ("reason", reason)), (c, post, now) =>
        {
            CaseStateMachine.Escalate(c, now, post, directory.Current);
            return (CaseEventType.Escalated, $"Escalated by hand to L{c.Level}: {reason}");
        }, ct);
    }

    public Task<Case> SendBackAsync(Actor actor, string name, string? etag, RequestKey? key, string reason, CancellationToken ct)
    {
        return ChangeAsync(actor, name, etag, key, Permissions.ActOnCases, postRequired: true, () => RequireText(key, ("reason", reason)), (c, post, now) =>
        {
            CaseStateMachine.SendBack(c, now, post!, directory.Current);
            return (CaseEventType.SentBack, $"Sent back to L3: {reason}");
        }, ct);
    }

    /// <summary>The review queue: approved special closes sampled for review and not yet reviewed.</summary>
    public Task<CasePage> ListSpecialCloseReviewsAsync(Caller caller, string parent, long afterId, int pageSize, CancellationToken ct)
    {
        caller.Require(Permissions.Supervise);
        return ListAsync(caller, parent, new CaseQuery(null, null, null, CaseStatus.SpecialClosed, null, null, null, null, afterId, pageSize, ReviewPendingOnly: true), ct);
    }

    public async Task<int> FlagHabitualAsync(Caller caller, string phone, string reason, CancellationToken ct)
    {
        caller.Require(Permissions.Supervise);
        var errors = new List<FieldViolation>();
        var normalised = string.IsNullOrWhiteSpace(phone) ? null : CaseValidator.NormalisePhone(phone);
        if (normalised is null) errors.Add(new("phone", $"'{TextLimit.Echo(phone)}' is not an Indian phone number."));
        if (string.IsNullOrWhiteSpace(reason)) errors.Add(new("reason", "is required."));
        else CaseValidator.CheckText("reason", reason, TextLimit.Note, true, errors);
        if (errors.Count > 0) throw CaseFlowException.Invalid(errors);
        return await store.FlagHabitualAsync(normalised!, reason, caller.System, time.GetUtcNow(), ct);
    }

    /// <summary>Checks a watch request and turns it into the query the feed runs.</summary>
    public EventQuery WatchQuery(Caller caller, string parent, IEnumerable<string> types)
    {
        caller.Require(Permissions.ReadCases);
        if (!CaseNames.TryParseParent(parent, out var department))
            throw CaseFlowException.Invalid("parent", "must be 'departments/{department}' or 'departments/-'.");
        if (department != CaseNames.AnyDepartment)
            caller.RequireDepartment(department);
        var parsed = new HashSet<CaseEventType>();
        foreach (var t in types)
        {
            if (!Enum.TryParse<CaseEventType>(t, ignoreCase: false, out var type) || !Enum.IsDefined(type) || int.TryParse(t, out _))
                throw CaseFlowException.Invalid("event_types", $"'{TextLimit.Echo(t)}' is not a case event type; use names such as Registered, Resolved, Escalated.");
            parsed.Add(type);
        }
        return new EventQuery(department == CaseNames.AnyDepartment ? null : department, caller.Departments, parsed.Count == 0 ? null : parsed);
    }

    public async Task<IReadOnlyList<PositionedEvent>> GetHistoryAsync(Caller caller, string name, CancellationToken ct)
    {
        caller.Require(Permissions.ReadCases);
        var c = await FindVisibleAsync(caller, name, ct);
        return await store.HistoryAsync(c.Number, ct);
    }

    private delegate (CaseEventType Type, string? Text) Change(Case c, Post? post, DateTimeOffset now);

    /// <summary>
    /// Every change goes the same way: the permission first (a caller without the right learns nothing from
    /// validation), then the request's own fields, the post it acts for, the case it may see; the case's
    /// department is checked again inside the store's transaction, where a transfer may have moved it.
    /// </summary>
    private async Task<Case> ChangeAsync(Actor actor, string name, string? etag, RequestKey? key, Permissions permission, bool postRequired,
        Action validate, Change change, CancellationToken ct, Func<Case, CaseEventType>? followUp = null, bool transferDecision = false)
    {
        // Any one of the flags suffices (a transfer is decided by the receiving department or by a supervisor).
        if ((actor.Caller.Permissions & permission) == 0)
            actor.Caller.Require(permission);
        validate();
        var dir = directory.Current;
        var post = ResolvePost(dir, actor.PostId, postRequired);
        if (post is not null)
            actor.Caller.RequireMayActAs(post);
        var current = await FindVisibleAsync(actor.Caller, name, ct);
        return await store.UpdateAsync(current.Number, key, c =>
        {
            var receiving = transferDecision && actor.Caller.IsReceiving(c);
            if (!receiving)
                actor.Caller.RequireDepartment(c.Department);
            if (post is not null && post.Department != c.Department && !(transferDecision && c.Status == CaseStatus.TransferProposed))
                throw CaseFlowException.Denied($"Post '{post.Id}' belongs to department '{post.Department}', not '{c.Department}'.");
            CaseStateMachine.CheckEtag(c, etag);
            var now = time.GetUtcNow();
            var (type, text) = change(c, post, now);
            var events = new List<CaseEvent> { Event(c, type, now, actor, text) };
            if (followUp is not null) events.Add(Event(c, followUp(c), now, actor, null));
            return events;
        }, ct);
    }

    /// <summary>
    /// The case a name points at, if this caller may see it (<see cref="CaseAccess.MaySee"/>). The case is
    /// looked up before the answer is chosen, but a case the caller may not see gets the same answer as one
    /// that does not exist (<see cref="CaseAccess.Unseen"/>).
    /// </summary>
    private async Task<Case> FindVisibleAsync(Caller caller, string name, CancellationToken ct)
    {
        if (!CaseNames.TryParse(name, out var department, out var number))
            throw CaseFlowException.Invalid("name", "must be 'departments/{department}/cases/{number}'.");
        var c = await store.FindAsync(number, ct);
        if (c is null || !caller.MaySee(c))
            throw caller.Unseen(department, number, name);
        if (department != CaseNames.AnyDepartment && department != c.Department && !(caller.IsReceiving(c) && department == c.TransferToDepartment))
            throw new CaseFlowException(ErrorKind.NotFound, "CASE_MOVED",
                $"Case {number} now belongs to department '{c.Department}'; its name is {c.ResourceName}.",
                metadata: new Dictionary<string, string> { ["name"] = c.ResourceName });
        return c;
    }

    private static Post? ResolvePost(DirectorySnapshot dir, string? postId, bool required)
    {
        if (string.IsNullOrEmpty(postId))
            return required ? throw CaseFlowException.Invalid("post", "is required: name the officer post taking this action.") : null;
        return dir.FindPost(postId) ?? throw CaseFlowException.Invalid("post", $"'{TextLimit.Echo(postId)}' is not a known post.");
    }

    private static void RequireText(RequestKey? key, params (string Field, string Value)[] texts)
    {
        var errors = new List<FieldViolation>();
        CaseValidator.CheckRequestId(key?.RequestId, required: false, errors);
        foreach (var (field, value) in texts)
        {
            if (string.IsNullOrWhiteSpace(value)) errors.Add(new(field, "is required."));
            else CaseValidator.CheckText(field, value, TextLimit.Note, multiline: true, errors);
        }
        if (errors.Count > 0) throw CaseFlowException.Invalid(errors);
    }

    private static void RequireOptionalText(RequestKey? key, string field, string? value)
    {
        var errors = new List<FieldViolation>();
        CaseValidator.CheckRequestId(key?.RequestId, required: false, errors);
        if (!string.IsNullOrEmpty(value)) CaseValidator.CheckText(field, value, TextLimit.Note, multiline: true, errors);
        if (errors.Count > 0) throw CaseFlowException.Invalid(errors);
    }

    internal static CaseEvent Event(Case c, CaseEventType type, DateTimeOffset now, Actor? actor, string? text) =>
        CaseEvent.Of(c, type, now, actor?.Caller.System ?? WorkflowActor, actor?.PostId, text);

    /// <summary>The actor recorded for changes the escalation workflow makes.</summary>
    public const string WorkflowActor = "workflow";

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
