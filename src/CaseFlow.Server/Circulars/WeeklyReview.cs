using System.Text;
using System.Text.Json;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Hosting;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Circulars;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Circulars;

public sealed record StoredRanking(long Id, Ranking Ranking);

public sealed record RenderedDocument(string Subject, string LetterNumber, string Html);

/// <summary>
/// Rankings, recurring complaints and circulars over the database: what the weekly-ranking workflow's
/// activities and the CircularService call. Snapshots and archived circulars are inserted, never updated,
/// except for a circular's delivery columns.
/// </summary>
public sealed class WeeklyReview(
    CaseFlowDatabase database,
    RankingQueries queries,
    IDirectoryProvider directory,
    TemplateStore templates,
    CircularRenderer renderer,
    PdfPrinter printer,
    CircularMailer mailer,
    IOptions<CaseFlowOptions> options,
    TimeProvider time,
    Func<CircularDeliveryService> delivery,
    ILogger<WeeklyReview> log) : IWeeklyReview
{
    private static readonly JsonSerializerOptions Json = Scorecard.Json;
    private static readonly string[] Languages = ["hi", "en"];

    /// <summary>Read on every use: an administrator's edit of the file applies to the next ranking.</summary>
    public Scorecard LoadScorecard()
    {
        var o = options.Value;
        return Scorecard.Load(o.Circulars.ScorecardPath ?? Path.Combine(o.ResolvedSeedDirectory, "scorecard.json"));
    }

    public async Task<Ranking> RankAsync(RankingPeriod period, CancellationToken ct)
    {
        period.Validate();
        var calculator = new RankingCalculator(LoadScorecard());
        var counts = await queries.CountsAsync(period, calculator.PendingDays, calculator.NotAttendedDays, ct);
        return calculator.Rank(counts, period, time.GetUtcNow());
    }

    public async Task<long> ComputeRankingAsync(RankingPeriod period, string requestKey, CancellationToken ct) =>
        (await ComputeAndStoreAsync(period, requestKey, ct)).Id;

    public async Task<StoredRanking> ComputeAndStoreAsync(RankingPeriod period, string? requestKey, CancellationToken ct)
    {
        if (requestKey is not null && await FindByKeyAsync(requestKey, ct) is { } done) return done;
        var ranking = await RankAsync(period, ct);
        await using var db = database.CreateContext();
        var row = new RankingSnapshotRow
        {
            PeriodFrom = period.From, PeriodTo = period.To, ComputedAt = ranking.ComputedAt, ScorecardVersion = ranking.ScorecardVersion,
            RequestKey = requestKey, Json = JsonSerializer.Serialize(ranking, Json),
        };
        db.RankingSnapshots.Add(row);
        await db.SaveChangesAsync(ct);
        return new StoredRanking(row.Id, ranking);
    }

    private async Task<StoredRanking?> FindByKeyAsync(string requestKey, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.RankingSnapshots.FirstOrDefaultAsync(r => r.RequestKey == requestKey, ct);
        return row is null ? null : new StoredRanking(row.Id, JsonSerializer.Deserialize<Ranking>(row.Json, Json)!);
    }

    public async Task<StoredRanking> GetRankingAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = id == 0
            ? await db.RankingSnapshots.OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct)
            : await db.RankingSnapshots.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null) throw CaseFlowException.NotFound("Ranking", id == 0 ? "latest" : id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new StoredRanking(row.Id, JsonSerializer.Deserialize<Ranking>(row.Json, Json)!);
    }

    public async Task<IReadOnlyList<RecurringIssue>> DetectAsync(IsoWeek week, CancellationToken ct)
    {
        var settings = LoadScorecard().Recurring;
        var counts = await queries.WeeklyCountsAsync(week.Previous(settings.BaselineWeeks), week, ct);
        var snapshot = directory.Current;
        var issues = new List<RecurringIssue>();
        var flagged = new RecurringDetector(settings).Detect(counts, week);
        var samples = flagged.Count == 0 ? [] : await queries.SamplesAsync(week, settings.SampleCases, ct);
        foreach (var (cell, baseline, reason) in flagged)
        {
            var (numbers, caseDepartment) = samples.GetValueOrDefault((cell.Category, cell.District), ([], null));
            var owner = snapshot.CategoriesById.TryGetValue(cell.Category, out var category) ? category.Department : caseDepartment ?? "";
            issues.Add(new RecurringIssue(cell.Category, cell.District, owner, week, cell.Count, baseline, reason, numbers));
        }
        return issues;
    }

    public async Task<int> DetectRecurringAsync(long snapshotId, string requestKey, CancellationToken ct) =>
        (await DetectAndStoreAsync(snapshotId, requestKey, ct)).Count;

    private async Task<IReadOnlyList<RecurringIssue>> DetectAndStoreAsync(long snapshotId, string requestKey, CancellationToken ct)
    {
        await using (var db = database.CreateContext())
        {
            var done = await db.RecurringSnapshots.FirstOrDefaultAsync(r => r.RequestKey == requestKey, ct);
            if (done is not null) return JsonSerializer.Deserialize<List<RecurringIssue>>(done.Json, Json)!;
        }
        var ranking = await GetRankingAsync(snapshotId, ct);
        var week = CircularModels.WeekOf(ranking.Ranking.Period);
        var issues = await DetectAsync(week, ct);
        await using var write = database.CreateContext();
        write.RecurringSnapshots.Add(new RecurringSnapshotRow
        {
            Week = week.ToString(), RankingSnapshotId = snapshotId, ComputedAt = time.GetUtcNow(), RequestKey = requestKey,
            Json = JsonSerializer.Serialize(issues, Json),
        });
        await write.SaveChangesAsync(ct);
        return issues;
    }

    /// <summary>The issues stored for a week (the latest detection), else detected now.</summary>
    public async Task<IReadOnlyList<RecurringIssue>> RecurringIssuesAsync(IsoWeek week, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var key = week.ToString();
        var stored = await db.RecurringSnapshots.Where(r => r.Week == key).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        return stored is not null ? JsonSerializer.Deserialize<List<RecurringIssue>>(stored.Json, Json)! : await DetectAsync(week, ct);
    }

    private async Task<IReadOnlyList<RecurringIssue>> IssuesForSnapshotAsync(long snapshotId, RankingPeriod period, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var stored = await db.RecurringSnapshots.Where(r => r.RankingSnapshotId == snapshotId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        return stored is not null ? JsonSerializer.Deserialize<List<RecurringIssue>>(stored.Json, Json)! : await DetectAsync(CircularModels.WeekOf(period), ct);
    }

    /// <summary>Renders one circular without archiving it: a preview for any period (snapshot id 0 = preview letter number).</summary>
    public async Task<RenderedDocument> RenderAsync(string kind, string language, string? department, Ranking ranking, IReadOnlyList<RecurringIssue> issues,
        long snapshotId, CancellationToken ct)
    {
        if (language is not ("hi" or "en")) throw CaseFlowException.Invalid("language", "must be hi or en");
        var snapshot = directory.Current;
        var issued = time.GetUtcNow();
        Scriban.Runtime.ScriptObject model;
        if (kind == CircularKinds.StateRanking)
            model = CircularModels.StateRanking(ranking, issues, snapshot, LoadScorecard(), language, snapshotId, issued);
        else
        {
            if (department is null || !snapshot.DepartmentsById.ContainsKey(department))
                throw CaseFlowException.NotFound("Department", department ?? "");
            var max = options.Value.Circulars.MaxOverdueListed;
            var overdue = await queries.OverdueAsync(department, issued, max + 1, ct);
            var total = overdue.Count > max ? await queries.CountOverdueAsync(department, issued, ct) : overdue.Count;
            model = CircularModels.HodOverdue(ranking, department, overdue.Take(max).ToList(), total, snapshot, language, snapshotId, issued);
        }
        var template = await templates.GetAsync(CircularKinds.TemplateName(kind, language), ct);
        var html = await renderer.RenderAsync(template.Text, template.Name, model, ct);
        return new RenderedDocument(CircularModels.Subject(kind, language, ranking.Period, snapshot, department),
            CircularModels.LetterNumber(snapshotId, ranking.Period, kind == CircularKinds.StateRanking ? null : department), html);
    }

    public async Task<IReadOnlyList<long>> RenderCircularsAsync(long snapshotId, string requestKey, CancellationToken ct)
    {
        await using (var db = database.CreateContext())
        {
            var done = await db.Circulars.Where(c => c.RequestKey == requestKey).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
            if (done.Count > 0) return done;
        }
        var stored = await GetRankingAsync(snapshotId, ct);
        var issues = await IssuesForSnapshotAsync(snapshotId, stored.Ranking.Period, ct);
        var snapshot = directory.Current;
        var rows = new List<CircularRow>();
        var jobs = Languages.Select(l => (CircularKinds.StateRanking, l, (string?)null))
            .Concat(stored.Ranking.Departments.SelectMany(d => Languages.Select(l => (CircularKinds.HodOverdue, l, (string?)d.Department))));
        foreach (var (kind, language, department) in jobs)
        {
            var doc = await RenderAsync(kind, language, department, stored.Ranking, issues, snapshotId, ct);
            var recipients = department is null ? CircularModels.StateRecipients(snapshot) : CircularModels.HodRecipients(snapshot, department);
            rows.Add(new CircularRow
            {
                Kind = kind, Language = language, Department = department ?? "", LetterNumber = doc.LetterNumber, Subject = doc.Subject,
                CreatedAt = time.GetUtcNow(), RankingSnapshotId = snapshotId, RequestKey = requestKey, Html = doc.Html,
                Recipients = string.Join(',', recipients),
            });
        }
        await using var write = database.CreateContext();
        write.Circulars.AddRange(rows);
        await write.SaveChangesAsync(ct);
        return rows.Select(r => r.Id).ToList();
    }

    /// <summary>Queues the circulars for the delivery service; the workflow step does not wait for Chromium or SMTP.</summary>
    public Task DeliverAsync(IReadOnlyList<long> circularIds, CancellationToken ct)
    {
        delivery().Enqueue(circularIds);
        return Task.CompletedTask;
    }

    public async Task DeliverNowAsync(IReadOnlyList<long> circularIds, CancellationToken ct)
    {
        // Claimed before anything is printed or sent: replicas sharing the database all look for undelivered
        // circulars, and the conditional UPDATE lets exactly one of them take each (PostgreSQL re-checks the
        // condition on a row another transaction just claimed). A replica that dies mid-delivery leaves a claim
        // that runs out after DeliveryLease; the mail it may have sent just before dying is the one duplicate
        // that can happen, as with any mailer that cannot send and record in one transaction.
        var claim = $"{options.Value.ResolvedEngineId}/{Guid.NewGuid():N}";
        var now = time.GetUtcNow();
        var until = now + options.Value.Circulars.DeliveryLease;
        List<CircularRow> pending;
        await using (var db = database.CreateContext())
        {
            await db.Circulars
                .Where(c => circularIds.Contains(c.Id) && c.DeliveredAt == null && (c.DeliveryClaimUntil == null || c.DeliveryClaimUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeliveryClaim, claim).SetProperty(c => c.DeliveryClaimUntil, until), ct);
            pending = await db.Circulars.Where(c => c.DeliveryClaim == claim && c.DeliveredAt == null).OrderBy(c => c.Id).ToListAsync(ct);
        }
        if (pending.Count == 0) return;
        var pdfs = await printer.PrintAsync(pending.Select(c => c.Html).ToList(), ct);
        for (var i = 0; i < pending.Count; i++)
        {
            var c = pending[i];
            var recipients = c.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries);
            string note;
            if (!mailer.Configured)
                note = "Archived; no SMTP server is configured (CaseFlow:Smtp:Host), so nothing was mailed.";
            else if (recipients.Length == 0)
                note = "Archived; the directory has no e-mail address for the recipients.";
            else
            {
                try
                {
                    await mailer.SendAsync(c.Subject, recipients, c.Html, pdfs[i].Pdf, c.LetterNumber.Replace('/', '-'), ct);
                    note = $"Mailed to {recipients.Length} recipient(s).";
                }
                catch (Exception e) when (e is MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException or IOException
                                              or System.Net.Sockets.SocketException or MailKit.ServiceNotConnectedException or TimeoutException)
                {
                    // Left undelivered so the next delivery attempt mails it; the archive has it either way.
                    log.LogWarning(e, "Mailing circular {Id} failed", c.Id);
                    continue;
                }
            }
            await using var db = database.CreateContext();
            await db.Circulars.Where(x => x.Id == c.Id && x.DeliveredAt == null && x.DeliveryClaim == claim).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Pdf, pdfs[i].Pdf)
                .SetProperty(x => x.PdfSkippedReason, pdfs[i].SkippedReason)
                .SetProperty(x => x.DeliveredAt, time.GetUtcNow())
                .SetProperty(x => x.DeliveryNote, note)
                .SetProperty(x => x.DeliveryClaim, (string?)null)
                .SetProperty(x => x.DeliveryClaimUntil, (DateTimeOffset?)null), ct);
        }
    }

    /// <param name="departments">Departments the reader may see (null: all); state-wide circulars are for everyone.</param>
    public async Task<(List<CircularRow> Page, long? LastId)> ListCircularsAsync(long afterId, int pageSize, IReadOnlySet<string>? departments, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var q = db.Circulars.AsQueryable();
        if (afterId > 0) q = q.Where(c => c.Id < afterId);
        if (departments is not null)
        {
            var allowed = departments.ToArray();
            q = q.Where(c => c.Department == null || c.Department == "" || allowed.Contains(c.Department));
        }
        // Lists carry no documents: HTML and PDF come with GetCircular.
        var page = await q.OrderByDescending(c => c.Id).Take(pageSize + 1)
            .Select(c => new CircularRow
            {
                Id = c.Id, Kind = c.Kind, Language = c.Language, Department = c.Department, LetterNumber = c.LetterNumber, Subject = c.Subject,
                CreatedAt = c.CreatedAt, RankingSnapshotId = c.RankingSnapshotId, PdfSkippedReason = c.PdfSkippedReason, Recipients = c.Recipients,
                DeliveredAt = c.DeliveredAt, DeliveryNote = c.DeliveryNote,
            }).ToListAsync(ct);
        var more = page.Count > pageSize;
        if (more) page.RemoveAt(page.Count - 1);
        return (page, more ? page[^1].Id : null);
    }

    public async Task<CircularRow> GetCircularAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Circulars.FirstOrDefaultAsync(c => c.Id == id, ct)
               ?? throw CaseFlowException.NotFound("Circular", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static byte[] Utf8(string html) => Encoding.UTF8.GetBytes(html);
}
