using System.Text;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Circulars;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

public sealed record RenderedDocument(string Subject, string LetterNumber, string Html)
{
    public byte[] Utf8() => Encoding.UTF8.GetBytes(Html);
}

/// <summary>An archived circular as sent; <see cref="Html"/> and <see cref="Pdf"/> are null in lists.</summary>
public sealed record ArchivedCircular(
    long Id, string Kind, string Language, string? Department, string LetterNumber, string Subject, DateTimeOffset CreatedAt,
    long RankingSnapshotId, IReadOnlyList<string> Recipients, string? PdfSkippedReason, DateTimeOffset? DeliveredAt, string? DeliveryNote,
    string? Html, byte[]? Pdf);

/// <summary>
/// Renders circulars from a ranking (a preview for any period, or the archived set of a snapshot) and reads
/// the archive. Archived content is never changed; the delivery service fills in only how it was delivered.
/// </summary>
public sealed class CircularArchive(CaseFlowDatabase database, RankingSnapshots rankings, RankingQueries queries, IDirectoryProvider directory,
    TemplateStore templates, CircularRenderer renderer, CircularOptions options, TimeProvider time)
{
    private static readonly string[] Languages = ["hi", "en"];

    /// <summary>Renders one circular without archiving it (snapshot id 0 = a preview letter number).</summary>
    public async Task<RenderedDocument> RenderAsync(string kind, string language, string? department, Ranking ranking, IReadOnlyList<RecurringIssue> issues,
        long snapshotId, CancellationToken ct)
    {
        if (language is not ("hi" or "en")) throw CaseFlowException.Invalid("language", "must be hi or en");
        var snapshot = directory.Current;
        var issued = time.GetUtcNow();
        Scriban.Runtime.ScriptObject model;
        if (kind == CircularKinds.StateRanking)
            model = CircularModels.StateRanking(ranking, issues, snapshot, await rankings.ScorecardOfAsync(ranking, ct), language, snapshotId, issued, options.Letter);
        else
        {
            if (department is null || !snapshot.DepartmentsById.ContainsKey(department))
                throw CaseFlowException.NotFound("Department", department ?? "");
            var max = options.MaxOverdueListed;
            var overdue = await queries.OverdueAsync(department, issued, max + 1, ct);
            var total = overdue.Count > max ? await queries.CountOverdueAsync(department, issued, ct) : overdue.Count;
            model = CircularModels.HodOverdue(ranking, department, overdue.Take(max).ToList(), total, snapshot, language, snapshotId, issued, options.Letter);
        }
        var template = await templates.GetAsync(CircularKinds.TemplateName(kind, language), ct);
        var html = await renderer.RenderAsync(template.Text, template.Name, model, ct);
        return new RenderedDocument(CircularModels.Subject(kind, language, ranking.Period, snapshot, department),
            CircularModels.LetterNumber(snapshotId, ranking.Period, kind == CircularKinds.StateRanking ? null : department), html);
    }

    /// <summary>
    /// Renders and archives a snapshot's circulars (the state-wide one and each department's, in each language),
    /// once per request key; returns their ids.
    /// </summary>
    public async Task<IReadOnlyList<long>> ArchiveAsync(long snapshotId, string requestKey, CancellationToken ct)
    {
        await using (var db = database.CreateContext())
        {
            var done = await db.Circulars.Where(c => c.RequestKey == requestKey).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
            if (done.Count > 0) return done;
        }
        var stored = await rankings.GetAsync(snapshotId, ct);
        var issues = await rankings.IssuesForSnapshotAsync(snapshotId, stored.Ranking.Period, ct);
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

    /// <param name="departments">Departments the reader may see (null: all); state-wide circulars are for everyone.</param>
    public async Task<(List<ArchivedCircular> Page, long? LastId)> ListAsync(long afterId, int pageSize, IReadOnlySet<string>? departments, CancellationToken ct)
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
        return (page.Select(c => ToRecord(c, documents: false)).ToList(), more ? page[^1].Id : null);
    }

    public async Task<ArchivedCircular> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Circulars.FirstOrDefaultAsync(c => c.Id == id, ct)
                  ?? throw CaseFlowException.NotFound("Circular", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ToRecord(row, documents: true);
    }

    private static ArchivedCircular ToRecord(CircularRow c, bool documents) =>
        new(c.Id, c.Kind, c.Language, string.IsNullOrEmpty(c.Department) ? null : c.Department, c.LetterNumber, c.Subject, c.CreatedAt,
            c.RankingSnapshotId, c.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries), c.PdfSkippedReason, c.DeliveredAt, c.DeliveryNote,
            documents ? c.Html : null, documents ? c.Pdf : null);
}
