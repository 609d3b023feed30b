using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// The directory in force, kept in memory (routing reads it on every CreateCase) and versioned in the
/// database. The seed file fills an empty database; after that the database is the record.
/// </summary>
public sealed class DirectoryStore(CaseFlowDatabase database, PersistenceOptions options, TimeProvider time,
    ILogger<DirectoryStore> log) : IDirectoryProvider
{
    private readonly SemaphoreSlim _changeLock = new(1, 1);
    private DirectorySnapshot? _current;

    public DirectorySnapshot Current => _current ?? throw new InvalidOperationException("The directory has not been loaded yet.");

    public async Task LoadAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var latest = await db.DirectoryVersions.OrderByDescending(v => v.Id).FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            var path = Path.Combine(options.SeedDirectory, "directory.json");
            _current = DirectorySeed.Load(path);
            db.DirectoryVersions.Add(new DirectoryVersion
            {
                CreatedAt = time.GetUtcNow(), CreatedBy = "seed:" + Path.GetFileName(path), Json = DirectorySeed.Serialize(_current),
            });
            await db.SaveChangesAsync(ct);
            log.LogInformation("Seeded the directory from {Path}", path);
        }
        else
        {
            _current = DirectorySeed.Parse(latest.Json);
        }

        var violations = DirectoryRules.Check(_current);
        foreach (var v in violations)
            log.LogWarning("Directory rule {Rule}: {Message}", v.Rule, v.Message);
        log.LogInformation("Directory: {Departments} departments, {Districts} districts, {Posts} posts, {Violations} rule violations",
            _current.Departments.Count, _current.Districts.Count, _current.Posts.Count, violations.Count);
    }

    public async Task<Post> ReplacePostAsync(string changedBy, string? requestId, Post replacement, string reason, CancellationToken ct)
    {
        await _changeLock.WaitAsync(ct);
        try
        {
            await using var db = database.CreateContext();
            if (requestId is not null)
            {
                var seen = await db.PostChanges.FirstOrDefaultAsync(p => p.ChangedBy == changedBy && p.RequestId == requestId, ct);
                if (seen is not null)
                    return Current.FindPost(seen.PostId) ?? throw CaseFlowException.NotFound("Post", seen.PostId);
            }
            var now = time.GetUtcNow();
            var previous = Current.PostFor(replacement.Department, replacement.District ?? "", replacement.Level);
            // A new officer takes the post as it was: its standing as the District Magistrate stays with the post.
            var post = replacement with { Id = previous?.Id ?? replacement.Id, UpdatedAt = now, DistrictMagistrate = previous?.DistrictMagistrate ?? replacement.DistrictMagistrate };
            var next = Current.WithPost(post);
            db.DirectoryVersions.Add(new DirectoryVersion { CreatedAt = now, CreatedBy = changedBy, Json = DirectorySeed.Serialize(next) });
            db.PostChanges.Add(new PostChange
            {
                Department = post.Department, PostId = post.Id, Level = post.Level, District = post.District,
                ChangedBy = changedBy, At = now, Reason = reason, RequestId = requestId,
                PreviousOfficerName = previous?.OfficerName, NewOfficerName = post.OfficerName,
                PreviousDesignation = previous?.Designation, NewDesignation = post.Designation,
            });
            await db.SaveChangesAsync(ct);
            _current = next;
            log.LogInformation("{By} put {Officer} in post {Post} ({Reason})", changedBy, post.OfficerName, post.Id, reason);
            foreach (var v in DirectoryRules.Check(next).Where(v => v.Department == post.Department))
                log.LogWarning("Directory rule {Rule}: {Message}", v.Rule, v.Message);
            return post;
        }
        finally
        {
            _changeLock.Release();
        }
    }

    public async Task<IReadOnlyList<PostChange>> ListChangesAsync(string? department, int max, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var q = db.PostChanges.AsQueryable();
        if (!string.IsNullOrEmpty(department)) q = q.Where(p => p.Department == department);
        return await q.OrderByDescending(p => p.Id).Take(max).ToListAsync(ct);
    }
}
