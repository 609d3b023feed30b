using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence;

/// <summary>Cases in EF Core: writes through the grouped <see cref="CaseWriter"/>, reads on their own contexts.</summary>
public sealed class EfCaseStore(CaseFlowDatabase database, CaseWriter writer) : ICaseStore
{
    public Task<Case> CreateAsync(Case draft, string numberPrefix, RequestKey? key, CaseEvent registered, CancellationToken ct) =>
        writer.SubmitAsync(new CreateOp(draft, numberPrefix, key, registered), ct);

    public Task<Case> UpdateAsync(string number, RequestKey? key, Func<Case, CaseEvent> change, CancellationToken ct) =>
        writer.SubmitAsync(new UpdateOp(number, key, change), ct);

    public async Task<Case?> FindAsync(string number, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Cases.FirstOrDefaultAsync(c => c.Number == number, ct);
    }

    public async Task<CasePage> ListAsync(CaseQuery q, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var cases = db.Cases.Where(c => c.Id > q.AfterId);
        if (q.Department is not null) cases = cases.Where(c => c.Department == q.Department);
        if (q.AllowedDepartments is not null)
        {
            var allowed = q.AllowedDepartments.ToArray();
            cases = cases.Where(c => allowed.Contains(c.Department));
        }
        if (q.District is not null) cases = cases.Where(c => c.District == q.District);
        if (q.Status is not null) cases = cases.Where(c => c.Status == q.Status);
        if (q.Level is not null) cases = cases.Where(c => c.Level == q.Level);
        if (q.Category is not null) cases = cases.Where(c => c.Category == q.Category);
        if (q.CreatedAfter is not null) cases = cases.Where(c => c.CreatedAt >= q.CreatedAfter);
        if (q.CreatedBefore is not null) cases = cases.Where(c => c.CreatedAt < q.CreatedBefore);
        // One extra row tells whether another page exists without a COUNT over the table.
        var page = await cases.OrderBy(c => c.Id).Take(q.PageSize + 1).ToListAsync(ct);
        var more = page.Count > q.PageSize;
        if (more) page.RemoveAt(page.Count - 1);
        return new CasePage(page, more ? page[^1].Id : null);
    }

    private sealed class CreateOp(Case draft, string prefix, RequestKey? key, CaseEvent registered) : WriteOp
    {
        public override async Task<Func<Case>> ApplyAsync(WriteBatch batch)
        {
            if (key is not null && await batch.FindRequestAsync(key) is { } seen)
            {
                CheckSameRequest(seen, key);
                var pending = batch.PendingCaseFor(seen);
                if (pending is not null) return () => pending;
                var original = await batch.FindCaseAsync(seen.CaseNumber)
                               ?? throw new InvalidOperationException($"Request {key.RequestId} points at missing case {seen.CaseNumber}.");
                return () => original;
            }
            var request = key is null ? null : batch.Remember(key, "", draft.CreatedAt);
            batch.AddNewCase(draft, prefix, registered, request);
            return () => draft;
        }
    }

    private sealed class UpdateOp(string number, RequestKey? key, Func<Case, CaseEvent> change) : WriteOp
    {
        public override async Task<Func<Case>> ApplyAsync(WriteBatch batch)
        {
            var c = await batch.FindCaseAsync(number) ?? throw CaseFlowException.NotFound("Case", number);
            if (key is not null && await batch.FindRequestAsync(key) is { } seen)
            {
                CheckSameRequest(seen, key);
                return () => c;
            }
            var e = change(c);
            batch.AddEvent(e);
            if (key is not null) batch.Remember(key, c.Number, e.At);
            return () => c;
        }
    }

    private static void CheckSameRequest(RequestRecord seen, RequestKey key)
    {
        if (seen.Method != key.Method || seen.Fingerprint != key.Fingerprint)
            throw CaseFlowException.Invalid("request_id",
                $"'{key.RequestId}' was already used by this system for a different request ({seen.Method}); use a new request id.");
    }
}
