using System.Text.Json;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The single writer on its own (no host): requests are queued before the writer starts, so they are
/// certain to share one batch and one transaction, which the gRPC tests can only hope for.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class CaseWriterTests(DatabaseProvider provider)
{
    private const string Prefix = "TW-2026";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.FromHours(5.5));
    private static readonly ComplaintCap Cap = new(MaxPerDay: 2, DayStart: new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.FromHours(5.5)));

    private string _dataDirectory = null!;
    private TestDatabase _testDatabase = null!;
    private CaseFlowDatabase _database = null!;
    private readonly List<CaseWriter> _writers = [];

    [SetUp]
    public async Task CreateDatabase()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("caseflow-writer-").FullName;
        _testDatabase = TestDatabase.Create(provider);
        _database = new CaseFlowDatabase(_testDatabase.Options(_dataDirectory));
        await _database.MigrateAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task DeleteDatabase()
    {
        foreach (var writer in _writers) await writer.StopAsync(CancellationToken.None);
        _writers.Clear();
        SqliteConnection.ClearAllPools();
        if (_testDatabase is not null) await _testDatabase.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    [Test]
    public async Task Creates_duplicates_a_capped_phone_and_updates_in_one_batch_each_get_what_they_would_get_alone()
    {
        var setup = await StartedStoreAsync();
        var original = await setup.CreateAsync(Draft("+919800000001"), Prefix, Key("a"), Registered(), Cap, CancellationToken.None);
        await setup.FlagHabitualAsync("+919800000009", "repeated calls", "test", Now, CancellationToken.None);

        var (store, writer) = StoreWithIdleWriter();
        var created = store.CreateAsync(Draft("+919800000002"), Prefix, Key("x"), Registered(), Cap, CancellationToken.None);
        var repeated = store.CreateAsync(Draft("+919800000002"), Prefix, Key("x"), Registered(), Cap, CancellationToken.None);
        var reused = store.CreateAsync(Draft("+919800000003"), Prefix, Key("x", "other"), Registered(), Cap, CancellationToken.None);
        var retriedOriginal = store.CreateAsync(Draft("+919800000001"), Prefix, Key("a"), Registered(), Cap, CancellationToken.None);
        var noted = store.UpdateAsync(original.Number, Key("n1", method: "AddNote"), AddNote, CancellationToken.None);
        var secondFromPhone = store.CreateAsync(Draft("+919800000001"), Prefix, null, Registered(), Cap, CancellationToken.None);
        var thirdFromPhone = store.CreateAsync(Draft("+919800000001"), Prefix, Key("c"), Registered(), Cap, CancellationToken.None);
        var habitual = store.CreateAsync(Draft("+919800000009"), Prefix, null, Registered(), Cap, CancellationToken.None);
        var missing = store.UpdateAsync($"{Prefix}-999999", null, AddNote, CancellationToken.None);
        var notedAgain = store.UpdateAsync(original.Number, Key("n1", method: "AddNote"), AddNote, CancellationToken.None);
        await writer.StartAsync(CancellationToken.None);

        Assert.That((await created).Number, Is.EqualTo($"{Prefix}-000002"));
        Assert.That(await repeated, Is.SameAs(await created), "a repeat inside the batch returns the pending case");
        var refusedReuse = (await Assert.ThrowsAsync<CaseFlowException>(async () => await reused))!;
        Assert.That(refusedReuse.Kind, Is.EqualTo(ErrorKind.InvalidArgument));
        Assert.That(refusedReuse.Violations.Single().Field, Is.EqualTo("request_id"));
        Assert.That((await retriedOriginal).Number, Is.EqualTo(original.Number));
        Assert.That((await noted).Version, Is.EqualTo(2));
        Assert.That((await secondFromPhone).Number, Is.EqualTo($"{Prefix}-000003"), "one stored + none pending is under the cap of 2");
        var capped = (await Assert.ThrowsAsync<CaseFlowException>(async () => await thirdFromPhone))!;
        Assert.That(capped.Kind, Is.EqualTo(ErrorKind.ResourceExhausted));
        Assert.That(capped.Reason, Is.EqualTo("DAILY_COMPLAINT_CAP"), "one stored + one pending in the batch reaches the cap");
        Assert.That((await habitual).Habitual, Is.True);
        Assert.That((await habitual).Number, Is.EqualTo($"{Prefix}-000004"), "refused requests use no number");
        Assert.That((await created).Habitual, Is.False);
        var notFound = (await Assert.ThrowsAsync<CaseFlowException>(async () => await missing))!;
        Assert.That(notFound.Kind, Is.EqualTo(ErrorKind.NotFound));
        Assert.That((await notedAgain).Version, Is.EqualTo(2), "a repeated state change inside the batch has no second effect");

        await using var db = _database.CreateContext();
        Assert.That(await db.Cases.OrderBy(c => c.Id).Select(c => c.Number).ToListAsync(),
            Is.EqualTo(new[] { $"{Prefix}-000001", $"{Prefix}-000002", $"{Prefix}-000003", $"{Prefix}-000004" }));
        Assert.That((await db.CaseNumberSeries.SingleAsync()).Last, Is.EqualTo(4));
        Assert.That(await db.RequestRecords.OrderBy(r => r.RequestId).Select(r => r.RequestId + "→" + r.CaseNumber).ToListAsync(),
            Is.EqualTo(new[] { $"a→{Prefix}-000001", $"n1→{Prefix}-000001", $"x→{Prefix}-000002" }));
        Assert.That(await db.CaseEvents.OrderBy(e => e.Id).Select(e => e.CaseNumber + " " + e.Type + " v" + e.CaseVersion).ToListAsync(),
            Is.EquivalentTo(new[]
            {
                $"{Prefix}-000001 Registered v1", $"{Prefix}-000001 NoteAdded v2",
                $"{Prefix}-000002 Registered v1", $"{Prefix}-000003 Registered v1", $"{Prefix}-000004 Registered v1",
            }));
        var stored = await db.Cases.SingleAsync(c => c.Number == original.Number);
        Assert.That(stored.Version, Is.EqualTo(2));
        Assert.That((await created).Id, Is.EqualTo((await db.Cases.SingleAsync(c => c.Number == $"{Prefix}-000002")).Id), "the generated id is set on the returned case");
    }

    [Test]
    public async Task A_database_error_fails_only_the_request_that_caused_it_and_the_writer_goes_on()
    {
        // A row squatting on the third number the series will hand out: that insert breaks the unique index.
        await using (var db = _database.CreateContext())
        {
            var squatter = Draft("+919800000077");
            squatter.Number = $"{Prefix}-000003";
            db.Cases.Add(squatter);
            await db.SaveChangesAsync();
        }

        var (store, writer) = StoreWithIdleWriter();
        var first = store.CreateAsync(Draft("+919800000011"), Prefix, Key("1"), Registered(), Cap, CancellationToken.None);
        var second = store.CreateAsync(Draft("+919800000012"), Prefix, Key("2"), Registered(), Cap, CancellationToken.None);
        var third = store.CreateAsync(Draft("+919800000013"), Prefix, Key("3"), Registered(), Cap, CancellationToken.None);
        await writer.StartAsync(CancellationToken.None);

        Assert.That((await first).Number, Is.EqualTo($"{Prefix}-000001"));
        Assert.That((await second).Number, Is.EqualTo($"{Prefix}-000002"));
        await Assert.ThrowsAsync<DbUpdateException>(async () => await third);
        var noted = await store.UpdateAsync((await first).Number, Key("n"), AddNote, CancellationToken.None);
        Assert.That(noted.Version, Is.EqualTo(2), "the writer still works after the failed batch");

        await using var check = _database.CreateContext();
        Assert.That(await check.RequestRecords.Select(r => r.RequestId).OrderBy(r => r).ToListAsync(), Is.EqualTo(new[] { "1", "2", "n" }),
            "nothing of the failed request or of the rolled-back batch is left behind");
        Assert.That(await check.CaseEvents.CountAsync(e => e.Type == CaseEventType.Registered), Is.EqualTo(2));
        Assert.That((await check.CaseNumberSeries.SingleAsync()).Last, Is.EqualTo(2));
    }

    [Test]
    public async Task The_prepared_insert_stores_exactly_the_columns_SaveChanges_stores()
    {
        var draft = Draft("+919800000021");
        // Every nullable and converted column given a value, so a wrong conversion cannot hide behind a NULL.
        draft.SubCategory = "transformer";
        draft.Attachments = [new Attachment("https://files.example/a.jpg", "ट्रांसफॉर्मर.jpg", "image/jpeg")];
        draft.Status = CaseStatus.SpecialCloseProposed;
        draft.StatusBeforeProposal = CaseStatus.InProgress;
        draft.SpecialCloseReview = SpecialCloseReview.Pending;
        draft.DueAt = Now.AddDays(3);
        draft.ResolvedAt = Now.AddHours(5);
        draft.Satisfied = false;
        draft.FeedbackRating = 2;
        draft.PausedRemaining = TimeSpan.FromHours(51.5);
        draft.InterimReplyText = "देख रहे हैं";
        draft.ChiefSecretaryReview = true;
        draft.Level = 3;
        var twin = draft.Snapshot();
        twin.Attachments = [.. draft.Attachments];
        var registered = Registered();
        var twinEvent = JsonSerializer.Deserialize<CaseEvent>(JsonSerializer.Serialize(registered))!;

        var store = await StartedStoreAsync();
        var written = await store.CreateAsync(draft, Prefix, Key("w"), registered, Cap, CancellationToken.None);
        await using (var db = _database.CreateContext())
        {
            twin.Number = "EF-2026-000001";
            twinEvent.CaseNumber = twin.Number;
            twinEvent.Department = twin.Department;
            twinEvent.CaseVersion = twin.Version;
            db.Cases.Add(twin);
            db.CaseEvents.Add(twinEvent);
            db.RequestRecords.Add(new RequestRecord
            {
                System = "helpline-portal", RequestId = "ef", Method = "CreateCase", Fingerprint = "same", CaseNumber = twin.Number, At = twin.CreatedAt,
            });
            await db.SaveChangesAsync();
        }

        var byInserter = await RowAsync("Cases", "Number", written.Number);
        var byEf = await RowAsync("Cases", "Number", twin.Number);
        Assert.That(Without(byInserter, "Id", "Number"), Is.EqualTo(Without(byEf, "Id", "Number")));
        Assert.That(byInserter["Id"], Is.EqualTo(written.Id));
        Assert.That(Without(await RowAsync("CaseEvents", "CaseNumber", written.Number), "Id", "CaseNumber", CaseEventOrder.Column),
            Is.EqualTo(Without(await RowAsync("CaseEvents", "CaseNumber", twin.Number), "Id", "CaseNumber", CaseEventOrder.Column)));
        Assert.That(Without(await RowAsync("RequestRecords", "RequestId", "w"), "RequestId", "CaseNumber"),
            Is.EqualTo(Without(await RowAsync("RequestRecords", "RequestId", "ef"), "RequestId", "CaseNumber")));

        await using var read = _database.CreateContext();
        var readBack = await read.Cases.SingleAsync(c => c.Number == written.Number);
        var twinBack = await read.Cases.SingleAsync(c => c.Number == twin.Number);
        twinBack.Id = readBack.Id;
        twinBack.Number = readBack.Number;
        Assert.That(JsonSerializer.Serialize(readBack), Is.EqualTo(JsonSerializer.Serialize(twinBack)), "both read back the same through EF");
    }

    /// <summary>
    /// The review queue reads a partial index that holds only the special closes awaiting review, so registering a case
    /// adds nothing to it. The listing must still find exactly the pending ones, and on SQLite its plan must use that index
    /// (the statement has to carry the filter's literal for SQLite to consider it).
    /// </summary>
    [Test]
    public async Task The_review_queue_lists_only_pending_special_closes_from_its_partial_index()
    {
        var store = await StartedStoreAsync();
        Case Closed(string phone, SpecialCloseReview review)
        {
            var c = Draft(phone);
            c.Status = CaseStatus.SpecialClosed;
            c.SpecialCloseReview = review;
            return c;
        }
        var pending = await store.CreateAsync(Closed("+919800000031", SpecialCloseReview.Pending), Prefix, Key("r1"), Registered(), Cap, CancellationToken.None);
        await store.CreateAsync(Closed("+919800000032", SpecialCloseReview.None), Prefix, Key("r2"), Registered(), Cap, CancellationToken.None);
        await store.CreateAsync(Draft("+919800000033"), Prefix, Key("r3"), Registered(), Cap, CancellationToken.None);
        var reviewed = await store.CreateAsync(Closed("+919800000034", SpecialCloseReview.Pending), Prefix, Key("r4"), Registered(), Cap, CancellationToken.None);
        await store.UpdateAsync(reviewed.Number, Key("r5", method: "Review"), c =>
        {
            c.SpecialCloseReview = SpecialCloseReview.Upheld;
            return AddNote(c);
        }, CancellationToken.None);
        var queue = new CaseQuery(null, new HashSet<string> { "energy" }, null, CaseStatus.SpecialClosed, null, null, null, null, 0, 50, ReviewPendingOnly: true);

        var page = await store.ListAsync(queue, CancellationToken.None);

        Assert.That(page.Cases.Select(c => c.Number), Is.EqualTo(new[] { pending.Number }));
        await using var db = _database.CreateContext();
        var pendingKeys = await db.Cases.Where(c => c.SpecialCloseReview == SpecialCloseReview.Pending).Select(c => c.Number).ToListAsync();
        Assert.That(pendingKeys, Is.EqualTo(new[] { pending.Number }));
        if (provider != DatabaseProvider.Sqlite) return;
        await db.Database.OpenConnectionAsync();
        await using var explain = db.Database.GetDbConnection().CreateCommand();
        // The SQL EF sends, without the lines that would set its parameters (left NULL: only the plan is read).
        var sql = string.Join('\n', EfCaseStore.Listing(db, queue).ToQueryString().Split('\n').Where(l => !l.StartsWith(".param", StringComparison.Ordinal) && !l.StartsWith("--", StringComparison.Ordinal)));
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var plan = new List<string>();
        await using (var r = await explain.ExecuteReaderAsync())
            while (await r.ReadAsync()) plan.Add(r.GetString(r.FieldCount - 1));
        Assert.That(plan, Has.Some.Contains($"USING INDEX {CaseIndexes.ReviewQueue}"), string.Join("; ", plan));
    }

    private async Task<EfCaseStore> StartedStoreAsync()
    {
        var (store, writer) = StoreWithIdleWriter();
        await writer.StartAsync(CancellationToken.None);
        return store;
    }

    /// <summary>A store whose writer has not started: whatever is submitted waits for one batch.</summary>
    private (EfCaseStore Store, CaseWriter Writer) StoreWithIdleWriter()
    {
        var writer = new CaseWriter(_database, new CaseFlowOptions().Database.MaxWriteBatch, NullLogger<CaseWriter>.Instance);
        _writers.Add(writer);
        return (new EfCaseStore(_database, writer), writer);
    }

    private async Task<Dictionary<string, object?>> RowAsync(string table, string column, string value)
    {
        await using var db = _database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT * FROM \"{table}\" WHERE \"{column}\" = @v";
        var parameter = cmd.CreateParameter();
        parameter.ParameterName = "@v";
        parameter.Value = value;
        cmd.Parameters.Add(parameter);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True, $"{table} row {column} = {value}");
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }

    private static Dictionary<string, object?> Without(Dictionary<string, object?> row, params string[] columns) =>
        row.Where(kv => !columns.Contains(kv.Key)).ToDictionary();

    private static IReadOnlyList<CaseEvent> AddNote(Case c)
    {
        c.Version++;
        c.UpdatedAt = c.LastActionAt = Now;
        return [new CaseEvent
        {
            CaseNumber = c.Number, Department = c.Department, Type = CaseEventType.NoteAdded, At = Now,
            ActorSystem = "energy-mis", Text = "Lineman sent.", CaseVersion = c.Version,
        }];
    }

    private static RequestKey Key(string id, string fingerprint = "same", string method = "CreateCase") =>
        new("helpline-portal", id, method, fingerprint);

    private static Case Draft(string phone) => new()
    {
        Department = "energy", District = "dehradun", Category = "power-supply", Channel = Channel.Portal,
        ComplainantName = "Sunita Rawat", ComplainantPhone = phone, ComplainantEmail = "sunita@example.com",
        ComplainantDistrict = "dehradun", Description = "बिजली नहीं है। No power since Monday.",
        AssignedPostId = "energy-dehradun-l1", CreatedAt = Now, UpdatedAt = Now, LastActionAt = Now, CreatedBy = "helpline-portal",
    };

    private static CaseEvent Registered() => new()
    {
        Type = CaseEventType.Registered, At = Now, ActorSystem = "helpline-portal", Text = "Registered via Portal; assigned to JE (L1).",
    };
}
