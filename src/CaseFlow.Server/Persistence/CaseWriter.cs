using System.Diagnostics;
using CaseFlow.Server.Telemetry;
using System.Data.Common;
using System.Threading.Channels;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Persistence.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Channel = System.Threading.Channels.Channel;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The single writer. Durable commits, not gRPC, set CaseFlow's pace (an fsync costs far more than a
/// call), so every change — a case registered or acted on, a batch of workflow steps — queues here, and each
/// batch of them shares one transaction and one fsync; every caller awaits its own result, which is only
/// handed out after the commit. Within a batch, workflow steps prepared elsewhere (due timers) are written
/// first, then the requests in arrival order, then the <see cref="IWriteBatchHook"/> runs the workflow steps
/// those requests cause (a new case's first step, a changed case's "look again"), so a case and its clock
/// always commit together.
/// </summary>
public sealed class CaseWriter : BackgroundService
{
    private readonly Channel<WriteOp> _queue = Channel.CreateBounded<WriteOp>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CaseFlowDatabase _database;
    private readonly int _maxBatch;
    private readonly ILogger<CaseWriter> _log;
    private IWriteBatchHook? _hook;
    private WriterSession? _session;
    private readonly CommitSignal _commits;
    private volatile string? _unavailable;

    private readonly CaseFlowMetrics? _metrics;

    /// <param name="metrics">Null in tests of the writer alone; the server always passes its meters.</param>
    /// <param name="commits">Raised after each commit; the server passes the one its watchers wait on.</param>
    public CaseWriter(CaseFlowDatabase database, int maxBatch, ILogger<CaseWriter> log, CaseFlowMetrics? metrics = null, CommitSignal? commits = null)
    {
        _commits = commits ?? new CommitSignal();
        _database = database;
        _maxBatch = maxBatch;
        _log = log;
        _metrics = metrics;
        metrics?.ObserveQueue(() => _queue.Reader.Count);
    }

    /// <summary>Set once at composition: the workflow layer sits above persistence and plugs in here.</summary>
    public void UseHook(IWriteBatchHook hook) => _hook = hook;

    /// <summary>Requests waiting for the writer (for health: a queue that only grows means the disk cannot keep up).</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>
    /// Why the database cannot be written, from the last batch that failed for that reason; null once a batch
    /// commits again. While it is set, requests are refused at once (UNAVAILABLE) rather than queued behind
    /// commits that cannot happen; only the health probe still goes through, to notice the recovery.
    /// </summary>
    public string? Unavailable => _unavailable;

    public async Task<T> SubmitAsync<T>(WriteOp<T> op, CancellationToken ct)
    {
        if (_unavailable is { } why && op is not ProbeOp)
            throw DatabaseFailures.Refusal(why);
        await _queue.Writer.WriteAsync(op, ct);
        return await op.Result.Task.WaitAsync(ct);
    }

    /// <summary>
    /// The writer runs on a thread of its own. As a thread-pool task, each batch's continuation queued behind the
    /// requests' own work items, so the one loop every caller waits on also waited its turn for a pool thread; on its
    /// own thread it is woken by the operating system as soon as work arrives. Measured 2026-12-06 on the 2-core VM,
    /// create-case over gRPC with 32 callers, three runs each way taken in turn: 3,214, 4,332 and 3,645 cases/s as a pool
    /// task, 4,542, 4,768 and 4,847 on its own thread.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                stopped.TrySetResult();
            }
            catch (Exception e)
            {
                stopped.TrySetException(e);
            }
        }) { IsBackground = true, Name = "CaseFlow writer" };
        thread.Start();
        return stopped.Task;
    }

    private void Run(CancellationToken stoppingToken)
    {
        var batch = new List<WriteOp>(_maxBatch);
        var reader = _queue.Reader;
        try
        {
            // Drain what is queued even while stopping, so an accepted request is never dropped.
            while (Wait(reader.WaitToReadAsync(CancellationToken.None)))
            {
                while (batch.Count < _maxBatch && reader.TryRead(out var op))
                    batch.Add(op);
                // On SQLite every step of a batch completes on this thread; on PostgreSQL the thread waits for the I/O.
                CommitAsync(batch).GetAwaiter().GetResult();
                batch.Clear();
                if (stoppingToken.IsCancellationRequested && !reader.TryPeek(out _))
                    break;
            }
        }
        finally
        {
            CloseSessionAsync().GetAwaiter().GetResult();
        }
    }

    private static bool Wait(ValueTask<bool> more) => more.IsCompletedSuccessfully ? more.Result : more.AsTask().GetAwaiter().GetResult();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the replica's row through the writer like any request: it proves the database takes commits (not
    /// just that it answers), and it is the one request let through while the database is marked unavailable.
    /// </summary>
    public Task ProbeAsync(string replica, DateTimeOffset startedAt, DateTimeOffset now, CancellationToken ct) =>
        SubmitAsync(new ProbeOp(replica, startedAt, now), ct);

    private async Task CommitAsync(List<WriteOp> ops)
    {
        try
        {
            await RunAsync(ops);
            if (_unavailable is not null)
            {
                _unavailable = null;
                _log.LogWarning("The database takes commits again");
            }
        }
        catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
        {
            // Not this batch's fault, and retrying its requests one by one would wait out a connection timeout
            // each: fail them all now, and refuse new ones until a commit succeeds.
            var why = DatabaseFailures.Describe(ex);
            if (_unavailable is null) _log.LogError(ex, "The database cannot be written; refusing writes until it can");
            _unavailable = why;
            var refusal = DatabaseFailures.Refusal(why);
            foreach (var op in ops) op.Fail(refusal);
        }
        catch (Exception ex) when (ops.Count > 1)
        {
            // One request's database error (a unique key raced by another replica, say) must not fail the
            // others: run each alone so only the guilty one sees the error.
            _log.LogWarning(ex, "A batch of {Count} writes failed; retrying them one at a time", ops.Count);
            foreach (var op in ops) await RunAloneAsync(op);
        }
        catch (Exception ex) when (DatabaseFailures.IsRacedUniqueKey(ex))
        {
            await RunAloneAsync(ops[0]);
        }
        catch (Exception ex)
        {
            ops[0].Fail(ex);
        }
    }

    private async Task RunAloneAsync(WriteOp op)
    {
        // Alone, a request that lost a unique key to another replica gets one more go: its lookups now see the
        // winner's row (the same request id answers with the first case). Any other error is its own.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await RunAsync([op]);
                return;
            }
            catch (Exception ex) when (attempt == 0 && DatabaseFailures.IsRacedUniqueKey(ex)) { }
            catch (Exception ex)
            {
                op.Fail(ex);
                return;
            }
        }
    }

    private async Task RunAsync(List<WriteOp> ops)
    {
        var session = _session ??= await WriterSession.OpenAsync(_database);
        var db = session.Db;
        // One span per transaction, linked to the calls it carries (a gRPC request's span, a timer sweep's), since a
        // batch has many parents and a parent-child tree cannot say so.
        using var span = CaseFlowMetrics.Traces.StartActivity("caseflow.writer.batch", ActivityKind.Internal, parentContext: default,
            links: ops.Where(o => o.Caller != default).Select(o => new ActivityLink(o.Caller)));
        span?.SetTag("caseflow.batch.requests", ops.Count);
        var started = Stopwatch.GetTimestamp();
        session.Cases.Written.Clear();
        List<CaseEvent> committedEvents;
        // Steps prepared outside the batch go first: the requests after them see what they did, and the
        // hook's own steps see both.
        var ordered = ops.Where(o => o.WritesFirst).Concat(ops.Where(o => !o.WritesFirst)).ToList();
        var failures = new Dictionary<WriteOp, Exception>();
        WriteBatch batch;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            batch = new WriteBatch(db, session, tx.GetDbTransaction());
            foreach (var op in ordered) op.DeclareLookups(batch);
            await batch.LoadLookupsAsync();
            foreach (var op in ordered)
            {
                try { await op.ApplyAsync(batch); }
                catch (CaseFlowException refused) { failures[op] = refused; }
            }
            await batch.NumberNewCasesAsync();
            if (_hook is not null) await _hook.OnBatchAsync(batch, CancellationToken.None);
            await batch.StoreNewCasesAsync();
            committedEvents = [.. session.Cases.Written, .. batch.TrackedEvents];
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            db.ChangeTracker.Clear();
        }
        catch
        {
            // After an unexpected error the context's tracked state is not to be trusted: the next batch
            // (the retries one at a time, first) starts on a fresh context and connection.
            await CloseSessionAsync();
            throw;
        }
        _commits.Raise();
        _metrics?.BatchCommitted(ops.Count, Stopwatch.GetElapsedTime(started));
        _metrics?.Committed(committedEvents);
        foreach (var op in ops)
        {
            if (failures.TryGetValue(op, out var error)) op.Fail(error);
            else op.Complete();
        }
        batch.RunAfterCommit(_log);
    }

    private async Task CloseSessionAsync()
    {
        if (_session is null) return;
        var session = _session;
        _session = null;
        await session.DisposeAsync();
    }
}

/// <summary>
/// The writer's context, its open connection and the statements prepared on it, kept from batch to batch:
/// prepared statements live only as long as their connection, and preparing them per batch would cost a
/// large share of a small batch.
/// </summary>
internal sealed class WriterSession : IAsyncDisposable
{
    private WriterSession(CaseFlowDbContext db)
    {
        Db = db;
        Cases = new CaseInserter(db);
        Workflows = new WorkflowRowWriter(db);
        if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            Savepoints = new SqliteSavepoints(sqlite);
            Sets = new SqliteSets(sqlite);
        }
    }

    public CaseFlowDbContext Db { get; }
    public CaseInserter Cases { get; }
    public WorkflowRowWriter Workflows { get; }

    /// <summary>Prepared savepoint statements on SQLite, where a step of a batch costs a savepoint each; null elsewhere.</summary>
    public SqliteSavepoints? Savepoints { get; }

    /// <summary>Statements over a set of ids in one JSON parameter (SQLite's json_each), prepared once per text; null elsewhere.</summary>
    public SqliteSets? Sets { get; } 

    public static async Task<WriterSession> OpenAsync(CaseFlowDatabase database)
    {
        var db = database.CreateContext();
        try
        {
            db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
            // Opened here, the connection stays open until the context is disposed, not per command.
            await db.Database.OpenConnectionAsync();
            return new WriterSession(db);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Cases.Dispose();
        Workflows.Dispose();
        Savepoints?.Dispose();
        Sets?.Dispose();
        await Db.DisposeAsync();
    }
}

/// <summary>
/// Reads and deletes over a set of ids with one statement and one parameter, a JSON array expanded by json_each:
/// a batch of five hundred steps checks its instances, bookmarks and cases with a query each.
/// </summary>
internal sealed class SqliteSets(Microsoft.Data.Sqlite.SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, RawSqliteStatement> _statements = new(StringComparer.Ordinal);

    /// <summary>The text of the placeholder to use in the statement: the set, as a table of its values.</summary>
    public const string Set = "(SELECT value FROM json_each(?1))";

    public List<(string Text, long Number)> Query(string sql, IEnumerable<string> ids, bool withNumber) =>
        Statement(sql).Query([Json(ids)], withNumber);

    public int Execute(string sql, IEnumerable<string> ids) => Statement(sql).Execute([Json(ids)], readKey: false).Changes;

    /// <summary>Every column as text; <c>?1</c> is the set, <c>?2</c>… the <paramref name="more"/> values.</summary>
    public List<string?[]> Rows(string sql, IEnumerable<string> ids, params object?[] more) => Statement(sql).QueryRows([Json(ids), .. more]);

    /// <summary>The one integer a statement returns (it may write, as an UPSERT … RETURNING does).</summary>
    public long Single(string sql, params object?[] values) => Statement(sql).Execute(values, readKey: true).Key;

    /// <summary>The version in force of each published definition, as the writer's transaction sees it.</summary>
    public Dictionary<string, int> PublishedVersions() =>
        Statement("""SELECT "DefinitionId", "Version" FROM "WorkflowDefinitions" WHERE "IsPublished" """).Query([], withNumber: true)
            .ToDictionary(r => r.Text, r => (int)r.Number, StringComparer.Ordinal);

    private RawSqliteStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
            _statements[sql] = statement = new RawSqliteStatement(connection, sql);
        return statement;
    }

    private static string Json(IEnumerable<string> ids) => System.Text.Json.JsonSerializer.Serialize(ids);

    public void Dispose()
    {
        foreach (var s in _statements.Values) s.Dispose();
    }
}

/// <summary>One reusable savepoint, prepared once: each step's is released or rolled back before the next begins.</summary>
internal sealed class SqliteSavepoints(Microsoft.Data.Sqlite.SqliteConnection connection) : IDisposable
{
    private readonly RawSqliteStatement _save = new(connection, "SAVEPOINT step");
    private readonly RawSqliteStatement _release = new(connection, "RELEASE step");
    private readonly RawSqliteStatement _rollback = new(connection, "ROLLBACK TO step");

    public void Save() => _save.Execute([], readKey: false);

    public void Release() => _release.Execute([], readKey: false);

    /// <summary>Undoes the step's writes and ends its savepoint.</summary>
    public void RollBack()
    {
        _rollback.Execute([], readKey: false);
        _release.Execute([], readKey: false);
    }

    public void Dispose()
    {
        _save.Dispose();
        _release.Dispose();
        _rollback.Dispose();
    }
}

/// <summary>
/// Runs inside every batch's transaction, after the batch's requests were applied and its new cases numbered,
/// before anything is written: the workflow layer starts each new case's workflow and tells changed cases'
/// workflows to look again, writing their steps into the same transaction.
/// </summary>
public interface IWriteBatchHook
{
    Task OnBatchAsync(WriteBatch batch, CancellationToken ct);
}

/// <summary>One request's share of a batch.</summary>
public abstract class WriteOp
{
    /// <summary>The span of whoever submitted it, for the batch's span to link to.</summary>
    internal ActivityContext Caller { get; } = Activity.Current?.Context ?? default;

    /// <summary>Workflow steps prepared outside the batch, written before the batch's requests.</summary>
    public virtual bool WritesFirst => false;

    /// <summary>
    /// Tells the batch what <see cref="ApplyAsync"/> will look up, before any request is applied, so that
    /// one query per kind answers the whole batch instead of one per request.
    /// </summary>
    public virtual void DeclareLookups(WriteBatch batch) { }

    /// <summary>Applies the request inside the batch's transaction; a <see cref="CaseFlowException"/> refuses it alone.</summary>
    public abstract Task ApplyAsync(WriteBatch batch);

    internal abstract void Complete();

    internal abstract void Fail(Exception error);
}

/// <summary>A request whose result is read after the commit (a new case has its number only then).</summary>
public abstract class WriteOp<T> : WriteOp
{
    private Func<T>? _result;

    public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected void SetResult(Func<T> result) => _result = result;

    internal override void Complete() => Result.TrySetResult(_result is null ? default! : _result());

    internal override void Fail(Exception error) => Result.TrySetException(error);
}

/// <summary>A case registered in this batch: the hook gives it its first workflow step before it is written.</summary>
public sealed record NewCaseEntry(Case Case, CaseEvent Registered);

/// <summary>
/// What the requests of one transaction share: the context, what was looked up for them, and the cases
/// and request ids they touched, so that two requests in one batch see each other's effects.
/// </summary>
public sealed class WriteBatch
{
    private readonly CaseFlowDbContext _db;
    private readonly WriterSession _session;
    private readonly DbTransaction _tx;

    private readonly HashSet<(string System, string RequestId)> _wantedRequests = [];
    private readonly HashSet<(string Phone, DateTimeOffset Since)> _wantedCounts = [];
    private readonly HashSet<string> _wantedHabitual = new(StringComparer.Ordinal);

    // What is known: loaded up front, then kept current as the batch's own requests add to it.
    // A null request record means "looked up, not there".
    private readonly Dictionary<(string System, string RequestId), RequestRecord?> _requests = new();
    private readonly Dictionary<(string Phone, DateTimeOffset Since), int> _storedComplaints = new();
    private readonly Dictionary<string, bool> _habitual = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Case> _cases = new(StringComparer.Ordinal);

    private readonly List<(Case Case, string Prefix, CaseEvent Event, RequestRecord? Request)> _newCases = [];
    private readonly Dictionary<RequestRecord, Case> _pendingByRequest = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<Case>> _pendingByPhone = new(StringComparer.Ordinal);
    private readonly List<Case> _changed = [];
    private readonly List<CaseEvent> _newCaseEvents = [];
    private readonly List<CaseEvent> _trackedEvents = [];
    private readonly List<Func<Task>> _afterCommit = [];
    private int _savepoints;

    internal WriteBatch(CaseFlowDbContext db, WriterSession session, DbTransaction tx)
    {
        _db = db;
        _session = session;
        _tx = tx;
    }

    public CaseFlowDbContext Db => _db;

    /// <summary>The batch's transaction, for statements written around EF.</summary>
    public DbTransaction Transaction => _tx;

    internal WorkflowRowWriter WorkflowRows => _session.Workflows;

    internal CaseInserter CaseRows => _session.Cases;

    /// <summary>Set-wise statements (SQLite); null where steps are written one by one under savepoints.</summary>
    internal SqliteSets? Sets => _session.Sets;

    /// <summary>Cases registered in this batch, numbered, not yet written.</summary>
    public IReadOnlyList<NewCaseEntry> NewCases => _newCases.Select(n => new NewCaseEntry(n.Case, n.Event)).ToList();

    /// <summary>Existing cases the batch's requests changed (tracked: their row is written with the batch).</summary>
    public IReadOnlyList<Case> ChangedCases => _changed;

    public void WantRequest(RequestKey key) => _wantedRequests.Add((key.System, key.RequestId));

    public void WantComplaintCount(string phone, DateTimeOffset since) => _wantedCounts.Add((phone, since));

    public void WantHabitual(string phone) => _wantedHabitual.Add(phone);

    /// <summary>
    /// One query each for the declared request ids, complaint counts and habitual phones. Nothing in a
    /// batch changes those rows except its own requests, which this object records as they go, so the
    /// answers hold for the whole transaction.
    /// </summary>
    internal async Task LoadLookupsAsync()
    {
        if (_session.Sets is { } sets)
        {
            LoadLookups(sets);
            return;
        }
        if (_wantedRequests.Count > 0)
        {
            var systems = _wantedRequests.Select(k => k.System).Distinct().ToList();
            var ids = _wantedRequests.Select(k => k.RequestId).Distinct().ToList();
            // Every system × id pair matches; an extra row for a pair nobody asked about is still a true fact.
            var found = await _db.RequestRecords.AsNoTracking()
                .Where(r => systems.Contains(r.System) && ids.Contains(r.RequestId)).ToListAsync();
            foreach (var r in found) _requests[(r.System, r.RequestId)] = r;
            foreach (var k in _wantedRequests) _requests.TryAdd(k, null);
        }
        // Replicas count a phone's complaints side by side on PostgreSQL: a transaction lock per phone (taken in
        // one order, so two batches cannot deadlock) makes the count and the insert one step, as SQLite's write lock does.
        if (_db.Database.IsNpgsql())
            foreach (var phone in _wantedCounts.Select(w => w.Phone).Distinct().Order(StringComparer.Ordinal))
                await _db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext({0}))", phone);
        // The day start differs between requests only across midnight, so this is one query in practice.
        foreach (var group in _wantedCounts.GroupBy(w => w.Since))
        {
            var since = group.Key;
            var phones = group.Select(w => w.Phone).ToList();
            var counts = await _db.Cases
                .Where(c => phones.Contains(c.ComplainantPhone) && c.CreatedAt >= since)
                .GroupBy(c => c.ComplainantPhone)
                .Select(g => new { Phone = g.Key, Count = g.Count() })
                .ToDictionaryAsync(x => x.Phone, x => x.Count, StringComparer.Ordinal);
            foreach (var phone in phones) _storedComplaints[(phone, since)] = counts.GetValueOrDefault(phone);
        }
        if (_wantedHabitual.Count > 0)
        {
            var phones = _wantedHabitual.ToList();
            var flagged = (await _db.HabitualComplainants.Where(h => phones.Contains(h.Phone)).Select(h => h.Phone).ToListAsync())
                .ToHashSet(StringComparer.Ordinal);
            foreach (var phone in phones) _habitual[phone] = flagged.Contains(phone);
        }
    }

    /// <summary>The same three lookups as single SQLite statements over JSON sets: the per-batch cost of EF's queries
    /// was a fifth of a small batch's time.</summary>
    private void LoadLookups(SqliteSets sets)
    {
        if (_wantedRequests.Count > 0)
        {
            var ids = _wantedRequests.Select(k => k.RequestId).Distinct();
            var systems = System.Text.Json.JsonSerializer.Serialize(_wantedRequests.Select(k => k.System).Distinct());
            // Both columns of the key, so the lookup is a seek on it.
            foreach (var r in sets.Rows($"SELECT \"System\", \"RequestId\", \"Method\", \"Fingerprint\", \"CaseNumber\", \"At\" FROM \"RequestRecords\" " +
                                        $"WHERE \"System\" IN (SELECT value FROM json_each(?2)) AND \"RequestId\" IN {SqliteSets.Set}", ids, systems))
            {
                var record = new RequestRecord
                {
                    System = r[0]!, RequestId = r[1]!, Method = r[2]!, Fingerprint = r[3]!, CaseNumber = r[4]!,
                    At = new DateTimeOffset(long.Parse(r[5]!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero),
                };
                _requests[(record.System, record.RequestId)] = record;
            }
            foreach (var k in _wantedRequests) _requests.TryAdd(k, null);
        }
        foreach (var group in _wantedCounts.GroupBy(w => w.Since))
        {
            var phones = group.Select(w => w.Phone).ToList();
            var counts = sets.Rows($"SELECT \"ComplainantPhone\", COUNT(*) FROM \"Cases\" WHERE \"ComplainantPhone\" IN {SqliteSets.Set} AND \"CreatedAt\" >= ?2 GROUP BY \"ComplainantPhone\"",
                    phones, group.Key.UtcTicks)
                .ToDictionary(r => r[0]!, r => int.Parse(r[1]!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
            foreach (var phone in phones) _storedComplaints[(phone, group.Key)] = counts.GetValueOrDefault(phone);
        }
        if (_wantedHabitual.Count > 0)
        {
            var flagged = sets.Rows($"SELECT \"Phone\" FROM \"HabitualComplainants\" WHERE \"Phone\" IN {SqliteSets.Set}", _wantedHabitual)
                .Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);
            foreach (var phone in _wantedHabitual) _habitual[phone] = flagged.Contains(phone);
        }
    }

    public async Task<Case?> FindCaseAsync(string number)
    {
        if (_cases.TryGetValue(number, out var c)) return c;
        c = await _db.Cases.FirstOrDefaultAsync(x => x.Number == number);
        if (c is not null) _cases[number] = c;
        return c;
    }

    public async Task<RequestRecord?> FindRequestAsync(RequestKey key)
    {
        if (_requests.TryGetValue((key.System, key.RequestId), out var r)) return r;
        r = await _db.RequestRecords.AsNoTracking().FirstOrDefaultAsync(x => x.System == key.System && x.RequestId == key.RequestId);
        _requests[(key.System, key.RequestId)] = r;
        return r;
    }

    /// <summary>The pending new case a request id produced earlier in this same batch, if any.</summary>
    public Case? PendingCaseFor(RequestRecord request) => _pendingByRequest.GetValueOrDefault(request);

    /// <summary>Records a state change's request id; stored by EF with the change.</summary>
    public RequestRecord Remember(RequestKey key, string caseNumber, DateTimeOffset at)
    {
        var record = NewRecord(key, caseNumber, at);
        _requests[(key.System, key.RequestId)] = record;
        _db.RequestRecords.Add(record);
        return record;
    }

    /// <summary>Queues a new case (and its request id) for numbering and the prepared inserts at the end of the batch.</summary>
    public void AddNewCase(Case c, string prefix, CaseEvent registered, RequestKey? key)
    {
        RequestRecord? request = null;
        if (key is not null)
        {
            request = NewRecord(key, "", c.CreatedAt);
            _requests[(key.System, key.RequestId)] = request;
            _pendingByRequest[request] = c;
        }
        _newCases.Add((c, prefix, registered, request));
        if (!_pendingByPhone.TryGetValue(c.ComplainantPhone, out var fromPhone))
            _pendingByPhone[c.ComplainantPhone] = fromPhone = [];
        fromPhone.Add(c);
    }

    /// <summary>Marks an existing (tracked) case as changed by a request of this batch, for the hook.</summary>
    public void MarkChanged(Case c)
    {
        if (!_changed.Contains(c)) _changed.Add(c);
    }

    public void AddEvent(CaseEvent e)
    {
        _db.CaseEvents.Add(e);
        _trackedEvents.Add(e);
    }

    /// <summary>The events <see cref="AddEvent"/> gave EF to write (kept here: asking the change tracker would scan every tracked entity).</summary>
    internal IReadOnlyList<CaseEvent> TrackedEvents => _trackedEvents;

    /// <summary>An event of a case registered in this batch, written after the case and its Registered event.</summary>
    public void AddNewCaseEvent(CaseEvent e) => _newCaseEvents.Add(e);

    /// <summary>Runs once the batch has committed, off the writer's loop (it may itself submit writes).</summary>
    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);

    /// <summary>Runs <paramref name="write"/> under a savepoint: when it returns a reason, or throws, only its writes are undone.</summary>
    public async Task<string?> UnderSavepointAsync(Func<Task<string?>> write)
    {
        var savepoints = _session.Savepoints;
        if (savepoints is null)
            return await UnderNamedSavepointAsync(write);
        savepoints.Save();
        try
        {
            var refused = await write();
            if (refused is null) savepoints.Release();
            else savepoints.RollBack();
            return refused;
        }
        catch
        {
            savepoints.RollBack();
            throw;
        }
    }

    private async Task<string?> UnderNamedSavepointAsync(Func<Task<string?>> write)
    {
        var name = $"sp{++_savepoints}";
        await _tx.SaveAsync(name);
        try
        {
            var refused = await write();
            if (refused is null) await _tx.ReleaseAsync(name);
            else await _tx.RollbackAsync(name);
            return refused;
        }
        catch
        {
            await _tx.RollbackAsync(name);
            throw;
        }
    }

    /// <summary>Complaints from a phone number since a moment, counting those pending in this batch.</summary>
    public async Task<int> CountComplaintsAsync(string phone, DateTimeOffset since)
    {
        if (!_storedComplaints.TryGetValue((phone, since), out var stored))
            _storedComplaints[(phone, since)] = stored =
                await _db.Cases.CountAsync(c => c.ComplainantPhone == phone && c.CreatedAt >= since);
        return stored + (_pendingByPhone.TryGetValue(phone, out var pending) ? pending.Count(c => c.CreatedAt >= since) : 0);
    }

    public async Task<bool> IsHabitualAsync(string phone)
    {
        if (!_habitual.TryGetValue(phone, out var habitual))
            _habitual[phone] = habitual = await _db.HabitualComplainants.AnyAsync(h => h.Phone == phone);
        return habitual;
    }

    /// <summary>
    /// Numbers are reserved inside the batch's transaction, so they are gap-free and, on PostgreSQL, the
    /// series row lock orders replicas without a separate round trip per case. The series row stays on EF
    /// (one per prefix per batch, with its concurrency token).
    /// </summary>
    internal async Task NumberNewCasesAsync()
    {
        foreach (var group in _newCases.GroupBy(n => n.Prefix))
        {
            var count = group.Count();
            // One statement that creates or advances the series and returns its new end. The row stays locked until
            // the batch commits, so replicas on one PostgreSQL database take turns per prefix, and a batch that rolls
            // back gives its numbers back: numbers are unique, increasing and without gaps.
            var next = await AdvanceSeriesAsync(group.Key, count) - count;
            foreach (var (c, prefix, registered, request) in group)
            {
                c.AssignNumber($"{prefix}-{++next:D6}");
                registered.CaseNumber = c.Number;
                registered.Department = c.Department;
                registered.CaseVersion = c.Version;
                if (request is not null) request.CaseNumber = c.Number;
            }
        }
    }

    private const string AdvanceSeries = """
        INSERT INTO "CaseNumberSeries" ("Prefix", "Last") VALUES ({0}, {1})
        ON CONFLICT ("Prefix") DO UPDATE SET "Last" = "CaseNumberSeries"."Last" + {1}
        RETURNING "Last" AS "Value"
        """;

    /// <summary>The series' new end; on SQLite the statement is prepared once on the writer's connection.</summary>
    private async Task<long> AdvanceSeriesAsync(string prefix, int count)
    {
        if (_session.Sets is { } sets)
            return sets.Single(AdvanceSeries.Replace("{0}", "?1").Replace("{1}", "?2"), prefix, (long)count);
        var last = await _db.Database.SqlQueryRaw<long>(AdvanceSeries, prefix, (long)count).ToListAsync();
        return last.Single();
    }

    /// <summary>The new cases as the hook left them (with their due times), then their later events.</summary>
    internal async Task StoreNewCasesAsync()
    {
        if (_newCases.Count == 0) return;
        // In arrival order, so ids follow the queue; a few rows to a statement. Nobody reads the new rows' ids back.
        await _session.Cases.InsertManyAsync(_newCases.Select(n => n.Case).ToList(), _newCases.Select(n => n.Event).Concat(_newCaseEvents).ToList(),
            _newCases.Select(n => n.Request).OfType<RequestRecord>().ToList(), _tx);
    }

    internal void RunAfterCommit(ILogger log)
    {
        if (_afterCommit.Count == 0) return;
        var actions = _afterCommit.ToList();
        _ = Task.Run(async () =>
        {
            foreach (var action in actions)
            {
                try { await action(); }
                catch (Exception e) { log.LogWarning(e, "An after-commit action failed; the batch itself is committed"); }
            }
        });
    }

    private static RequestRecord NewRecord(RequestKey key, string caseNumber, DateTimeOffset at) => new()
    {
        System = key.System, RequestId = key.RequestId, Method = key.Method, Fingerprint = key.Fingerprint,
        CaseNumber = caseNumber, At = at,
    };
}

/// <summary>The health probe's write: upserts this replica's row (one statement both providers read alike).</summary>
internal sealed class ProbeOp(string replica, DateTimeOffset startedAt, DateTimeOffset now) : WriteOp<bool>
{
    public override async Task ApplyAsync(WriteBatch batch)
    {
        await batch.Db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO "Replicas" ("Id", "StartedAt", "SeenAt") VALUES ({0}, {1}, {2})
            ON CONFLICT ("Id") DO UPDATE SET "StartedAt" = excluded."StartedAt", "SeenAt" = excluded."SeenAt"
            """, replica, startedAt.UtcTicks, now.UtcTicks);
        SetResult(() => true);
    }
}
