using System.Threading.Channels;
using CaseFlow.Core.Cases;
using Channel = System.Threading.Channels.Channel;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The single writer. Durable commits, not gRPC, set CaseFlow's pace (an fsync costs far more than a
/// call), so requests queue here and each batch of them shares one transaction and one fsync; every
/// caller awaits its own result, which is only handed out after the commit.
/// </summary>
public sealed class CaseWriter : BackgroundService
{
    private readonly Channel<WriteOp> _queue = Channel.CreateBounded<WriteOp>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CaseFlowDatabase _database;
    private readonly int _maxBatch;
    private readonly ILogger<CaseWriter> _log;

    public CaseWriter(CaseFlowDatabase database, IOptions<CaseFlowOptions> options, ILogger<CaseWriter> log)
    {
        _database = database;
        _maxBatch = options.Value.Database.MaxWriteBatch;
        _log = log;
    }

    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next commit: watchers wait on this instead of polling the table.</summary>
    public Task NextCommit => Volatile.Read(ref _committed).Task;

    public void NotifyCommitted() =>
        Interlocked.Exchange(ref _committed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task<Case> SubmitAsync(WriteOp op, CancellationToken ct)
    {
        await _queue.Writer.WriteAsync(op, ct);
        return await op.Result.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<WriteOp>(_maxBatch);
        var reader = _queue.Reader;
        // Drain what is queued even while stopping, so an accepted request is never dropped.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _maxBatch && reader.TryRead(out var op))
                batch.Add(op);
            await CommitAsync(batch);
            batch.Clear();
            if (stoppingToken.IsCancellationRequested && !reader.TryPeek(out _))
                break;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task CommitAsync(List<WriteOp> ops)
    {
        try
        {
            await RunAsync(ops);
        }
        catch (Exception ex) when (ops.Count > 1)
        {
            // One request's database error (a unique key raced by another replica, say) must not fail the
            // others: run each alone so only the guilty one sees the error.
            _log.LogWarning(ex, "A batch of {Count} writes failed; retrying them one at a time", ops.Count);
            foreach (var op in ops)
            {
                try { await RunAsync([op]); }
                catch (Exception single) { op.Result.TrySetException(single); }
            }
        }
        catch (Exception ex)
        {
            ops[0].Result.TrySetException(ex);
        }
    }

    private async Task RunAsync(List<WriteOp> ops)
    {
        await using var db = _database.CreateContext();
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
        await using var tx = await db.Database.BeginTransactionAsync();
        var batch = new WriteBatch(db);
        var outcomes = new List<(WriteOp Op, Func<Case>? Result, Exception? Error)>(ops.Count);
        foreach (var op in ops)
        {
            try { outcomes.Add((op, await op.ApplyAsync(batch), null)); }
            catch (CaseFlowException refused) { outcomes.Add((op, null, refused)); }
        }
        await batch.NumberNewCasesAsync();
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        NotifyCommitted();
        foreach (var (op, result, error) in outcomes)
        {
            if (error is not null) op.Result.TrySetException(error);
            else op.Result.TrySetResult(result!());
        }
    }
}

/// <summary>
/// One request's share of a batch. <see cref="ApplyAsync"/> returns how to read its result after the
/// commit (a new case has its number only then).
/// </summary>
public abstract class WriteOp
{
    public TaskCompletionSource<Case> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public abstract Task<Func<Case>> ApplyAsync(WriteBatch batch);
}

/// <summary>
/// What the requests of one transaction share: the context, and the cases and request ids they touched,
/// so that two requests in one batch see each other's effects.
/// </summary>
public sealed class WriteBatch(CaseFlowDbContext db)
{
    private readonly Dictionary<string, Case> _cases = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), RequestRecord> _requests = new();
    private readonly List<(Case Case, string Prefix, CaseEvent Event, RequestRecord? Request)> _newCases = [];

    public CaseFlowDbContext Db => db;

    public async Task<Case?> FindCaseAsync(string number)
    {
        if (_cases.TryGetValue(number, out var c)) return c;
        c = await db.Cases.FirstOrDefaultAsync(x => x.Number == number);
        if (c is not null) _cases[number] = c;
        return c;
    }

    public async Task<RequestRecord?> FindRequestAsync(RequestKey key)
    {
        if (_requests.TryGetValue((key.System, key.RequestId), out var r)) return r;
        r = await db.RequestRecords.FirstOrDefaultAsync(x => x.System == key.System && x.RequestId == key.RequestId);
        if (r is not null) _requests[(key.System, key.RequestId)] = r;
        return r;
    }

    /// <summary>The pending new case a request id produced earlier in this same batch, if any.</summary>
    public Case? PendingCaseFor(RequestRecord request) =>
        _newCases.FirstOrDefault(n => ReferenceEquals(n.Request, request)).Case;

    public RequestRecord Remember(RequestKey key, string caseNumber, DateTimeOffset at)
    {
        var record = new RequestRecord
        {
            System = key.System, RequestId = key.RequestId, Method = key.Method, Fingerprint = key.Fingerprint,
            CaseNumber = caseNumber, At = at,
        };
        _requests[(key.System, key.RequestId)] = record;
        db.RequestRecords.Add(record);
        return record;
    }

    public void AddNewCase(Case c, string prefix, CaseEvent registered, RequestRecord? request) =>
        _newCases.Add((c, prefix, registered, request));

    public void AddEvent(CaseEvent e) => db.CaseEvents.Add(e);

    /// <summary>Complaints from a phone number since a moment, counting those pending in this batch.</summary>
    public async Task<int> CountComplaintsAsync(string phone, DateTimeOffset since)
    {
        var stored = await db.Cases.CountAsync(c => c.ComplainantPhone == phone && c.CreatedAt >= since);
        return stored + _newCases.Count(n => n.Case.ComplainantPhone == phone && n.Case.CreatedAt >= since);
    }

    public Task<bool> IsHabitualAsync(string phone) => db.HabitualComplainants.AnyAsync(h => h.Phone == phone);

    /// <summary>
    /// Numbers are reserved inside the batch's transaction, so they are gap-free and, on PostgreSQL, the
    /// series row lock orders replicas without a separate round trip per case.
    /// </summary>
    internal async Task NumberNewCasesAsync()
    {
        foreach (var group in _newCases.GroupBy(n => n.Prefix))
        {
            var count = group.Count();
            var series = await db.CaseNumberSeries.FirstOrDefaultAsync(s => s.Prefix == group.Key);
            if (series is null)
            {
                series = new CaseNumberSeries { Prefix = group.Key, Last = 0 };
                db.CaseNumberSeries.Add(series);
            }
            var next = series.Last;
            series.Last += count;
            foreach (var (c, prefix, registered, request) in group)
            {
                c.Number = $"{prefix}-{++next:D6}";
                registered.CaseNumber = c.Number;
                registered.Department = c.Department;
                registered.CaseVersion = c.Version;
                if (request is not null) request.CaseNumber = c.Number;
                db.Cases.Add(c);
                db.CaseEvents.Add(registered);
            }
        }
    }
}
