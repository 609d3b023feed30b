using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence;

/// <summary>Cases in EF Core: writes through the grouped <see cref="CaseWriter"/>, reads on their own contexts.</summary>
public sealed class EfCaseStore(CaseFlowDatabase database, CaseWriter writer) : ICaseStore
{
    public Task<Case> CreateAsync(Case draft, string numberPrefix, RequestKey? key, CaseEvent registered, ComplaintCap cap, CancellationToken ct) =>
        writer.SubmitAsync(new CreateOp(draft, numberPrefix, key, registered, cap), ct);

    public Task<Case> UpdateAsync(string number, RequestKey? key, Func<Case, IReadOnlyList<CaseEvent>> change, CancellationToken ct) =>
        writer.SubmitAsync(new UpdateOp(number, key, change), ct);

    public async Task<IReadOnlyList<PositionedEvent>> HistoryAsync(string number, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        // A case's events are ordered by id on both providers: a change to a case waits for the previous one to
        // commit (the version-guarded row update), so its events draw later ids.
        var events = db.CaseEvents.Where(e => e.CaseNumber == number).OrderBy(e => e.Id);
        if (!database.IsPostgres)
            return (await events.ToListAsync(ct)).Select(e => new PositionedEvent(e, new EventPosition(0, e.Id))).ToList();
        var horizon = await CommitHorizonAsync(db, ct);
        var rows = await events.Select(e => new { Event = e, Tx = EF.Property<long>(e, CaseEventOrder.Column) }).ToListAsync(ct);
        return rows.Select(r => new PositionedEvent(r.Event, r.Tx < horizon ? new EventPosition(r.Tx, r.Event.Id) : new EventPosition(horizon, 0))).ToList();
    }

    public async Task<Case?> FindAsync(string number, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Cases.FirstOrDefaultAsync(c => c.Number == number, ct);
    }

    public async Task<CasePage> ListAsync(CaseQuery q, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        // One extra row tells whether another page exists without a COUNT over the table.
        var page = await Listing(db, q).Take(q.PageSize + 1).ToListAsync(ct);
        var more = page.Count > q.PageSize;
        if (more) page.RemoveAt(page.Count - 1);
        return new CasePage(page, more ? page[^1].Id : null);
    }

    /// <summary>The cases a query selects, in key order (internal so a test can read the plan of the SQL it becomes).</summary>
    internal static IQueryable<Case> Listing(CaseFlowDbContext db, CaseQuery q)
    {
        var cases = db.Cases.Where(c => c.Id > q.AfterId);
        if (q.Department is not null) cases = cases.Where(c => c.Department == q.Department);
        if (q.AllowedDepartments is not null)
        {
            var allowed = q.AllowedDepartments.ToArray();
            // CaseAccess.MaySee in SQL: across departments a caller also sees the transfers pending to its own.
            cases = q.Department is null
                ? cases.Where(c => allowed.Contains(c.Department) || (c.Status == CaseStatus.TransferProposed && allowed.Contains(c.TransferToDepartment!)))
                : cases.Where(c => allowed.Contains(c.Department));
        }
        if (q.District is not null) cases = cases.Where(c => c.District == q.District);
        if (q.Status is not null) cases = cases.Where(c => c.Status == q.Status);
        if (q.AnyStatus is not null)
        {
            var statuses = q.AnyStatus.ToArray();
            cases = cases.Where(c => statuses.Contains(c.Status));
        }
        if (q.Level is not null) cases = cases.Where(c => c.Level == q.Level);
        if (q.Category is not null) cases = cases.Where(c => c.Category == q.Category);
        if (q.CreatedAfter is not null) cases = cases.Where(c => c.CreatedAt >= q.CreatedAfter);
        if (q.CreatedBefore is not null) cases = cases.Where(c => c.CreatedAt < q.CreatedBefore);
        // A constant, so the SQL carries the literal that the review queue's partial index is filtered on (CaseIndexes).
        if (q.ReviewPendingOnly) cases = cases.Where(c => c.SpecialCloseReview == SpecialCloseReview.Pending);
        return cases.OrderBy(c => c.Id);
    }

    public async Task<IReadOnlyList<PositionedEvent>> EventsAfterAsync(EventQuery q, EventPosition after, int max, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        IQueryable<CaseEvent> events = db.CaseEvents;
        if (q.Department is not null) events = events.Where(e => e.Department == q.Department);
        if (q.AllowedDepartments is not null)
        {
            var allowed = q.AllowedDepartments.ToArray();
            events = events.Where(e => allowed.Contains(e.Department));
        }
        if (q.Types is not null)
        {
            var types = q.Types.ToArray();
            events = events.Where(e => types.Contains(e.Type));
        }
        if (!database.IsPostgres)
        {
            // One writer: ids are handed out in commit order.
            var rows = await events.Where(e => e.Id > after.Id).OrderBy(e => e.Id).Take(max).ToListAsync(ct);
            return rows.Select(e => new PositionedEvent(e, new EventPosition(0, e.Id))).ToList();
        }
        // Replicas draw ids from one sequence and commit in any order, so id 11 can become visible after id 12
        // was read. Every transaction older than the oldest one still running has ended (committed or rolled
        // back), so events written by those are final and nothing can join them: read up to that horizon only,
        // in (transaction, id) order. The horizon is read first; it only ever moves forward.
        var horizon = await CommitHorizonAsync(db, ct);
        var tx = after.Commit;
        var id = after.Id;
        var found = await events
            .Where(e => EF.Property<long>(e, CaseEventOrder.Column) < horizon
                        && (EF.Property<long>(e, CaseEventOrder.Column) > tx || (EF.Property<long>(e, CaseEventOrder.Column) == tx && e.Id > id)))
            .OrderBy(e => EF.Property<long>(e, CaseEventOrder.Column)).ThenBy(e => e.Id).Take(max)
            .Select(e => new { Event = e, Tx = EF.Property<long>(e, CaseEventOrder.Column) })
            .ToListAsync(ct);
        return found.Select(f => new PositionedEvent(f.Event, new EventPosition(f.Tx, f.Event.Id))).ToList();
    }

    public async Task<PositionedEvent?> FindEventAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!database.IsPostgres)
            return await db.CaseEvents.Where(e => e.Id == id).Select(e => new PositionedEvent(e, new EventPosition(0, e.Id))).FirstOrDefaultAsync(ct);
        var found = await db.CaseEvents.Where(e => e.Id == id).Select(e => new { Event = e, Tx = EF.Property<long>(e, CaseEventOrder.Column) }).FirstOrDefaultAsync(ct);
        return found is null ? null : new PositionedEvent(found.Event, new EventPosition(found.Tx, found.Event.Id));
    }

    public async Task<EventPosition> LatestEventPositionAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!database.IsPostgres)
            return new EventPosition(0, await db.CaseEvents.OrderByDescending(e => e.Id).Select(e => e.Id).FirstOrDefaultAsync(ct));
        // The last final event; events of transactions still running come after it, so a watcher starting here
        // receives them once they commit.
        var horizon = await CommitHorizonAsync(db, ct);
        var last = await db.CaseEvents.Where(e => EF.Property<long>(e, CaseEventOrder.Column) < horizon)
            .OrderByDescending(e => EF.Property<long>(e, CaseEventOrder.Column)).ThenByDescending(e => e.Id)
            .Select(e => new { Tx = EF.Property<long>(e, CaseEventOrder.Column), e.Id }).FirstOrDefaultAsync(ct);
        return last is null ? EventPosition.Start : new EventPosition(last.Tx, last.Id);
    }

    /// <summary>The oldest transaction still running on PostgreSQL: every event written by an older one is final.</summary>
    private static async Task<long> CommitHorizonAsync(CaseFlowDbContext db, CancellationToken ct) =>
        (await db.Database.SqlQueryRaw<long>("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS \"Value\"").ToListAsync(ct)).Single();

    public Task<int> FlagHabitualAsync(string phone, string reason, string flaggedBy, DateTimeOffset now, CancellationToken ct) =>
        writer.SubmitAsync(new FlagHabitualOp(phone, reason, flaggedBy, now), ct);

    /// <summary>Through the writer like every other change, so it shares its transactions and its ordering.</summary>
    private sealed class FlagHabitualOp(string phone, string reason, string flaggedBy, DateTimeOffset now) : WriteOp<int>
    {
        public override async Task ApplyAsync(WriteBatch batch)
        {
            var db = batch.Db;
            if (!await db.HabitualComplainants.AnyAsync(h => h.Phone == phone))
                db.HabitualComplainants.Add(new HabitualComplainant { Phone = phone, Reason = reason, FlaggedBy = flaggedBy, At = now });
            var cases = await db.Cases.AsTracking().Where(c => c.ComplainantPhone == phone && !c.Habitual).ToListAsync();
            foreach (var c in cases)
            {
                CaseStateMachine.MarkHabitual(c, now);
                batch.AddEvent(CaseEvent.Of(c, CaseEventType.FlaggedHabitual, now, flaggedBy, null, reason));
            }
            SetResult(() => cases.Count);
        }
    }

    private sealed class CreateOp(Case draft, string prefix, RequestKey? key, CaseEvent registered, ComplaintCap cap) : WriteOp<Case>
    {
        public override void DeclareLookups(WriteBatch batch)
        {
            if (key is not null) batch.WantRequest(key);
            batch.WantComplaintCount(draft.ComplainantPhone, cap.DayStart);
            batch.WantHabitual(draft.ComplainantPhone);
        }

        public override async Task ApplyAsync(WriteBatch batch)
        {
            if (key is not null && await batch.FindRequestAsync(key) is { } seen)
            {
                CheckSameRequest(seen, key);
                var pending = batch.PendingCaseFor(seen);
                if (pending is not null)
                {
                    SetResult(() => pending);
                    return;
                }
                var original = await batch.FindCaseAsync(seen.CaseNumber)
                               ?? throw new InvalidOperationException($"Request {key.RequestId} points at missing case {seen.CaseNumber}.");
                SetResult(() => original);
                return;
            }
            cap.Check(await batch.CountComplaintsAsync(draft.ComplainantPhone, cap.DayStart));
            if (await batch.IsHabitualAsync(draft.ComplainantPhone)) CaseStateMachine.RegisterAsHabitual(draft);
            batch.AddNewCase(draft, prefix, registered, key);
            SetResult(() => draft);
        }
    }

    private sealed class UpdateOp(string number, RequestKey? key, Func<Case, IReadOnlyList<CaseEvent>> change) : WriteOp<Case>
    {
        public override void DeclareLookups(WriteBatch batch)
        {
            if (key is not null) batch.WantRequest(key);
        }

        public override async Task ApplyAsync(WriteBatch batch)
        {
            var c = await batch.FindCaseAsync(number) ?? throw CaseFlowException.NotFound("Case", number);
            SetResult(() => c);
            if (key is not null && await batch.FindRequestAsync(key) is { } seen)
            {
                CheckSameRequest(seen, key);
                return;
            }
            var events = change(c);
            foreach (var e in events) batch.AddEvent(e);
            batch.MarkChanged(c);
            if (key is not null) batch.Remember(key, c.Number, events[0].At);
        }
    }

    private static void CheckSameRequest(RequestRecord seen, RequestKey key)
    {
        if (seen.Method != key.Method || seen.Fingerprint != key.Fingerprint)
            throw CaseFlowException.Invalid("request_id",
                $"'{key.RequestId}' was already used by this system for a different request ({seen.Method}); use a new request id.");
    }
}
