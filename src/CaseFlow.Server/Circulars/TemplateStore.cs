using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Persistence.Circulars;
using CaseFlow.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

public sealed record CircularTemplate(string Name, int Version, string Text, DateTimeOffset? SavedAt, string SavedBy);

/// <summary>
/// The circular templates: the files shipped in templates/ until an administrator saves a version, then the
/// highest saved version. Only templates that parse are saved, so the one in force always renders.
/// </summary>
public sealed class TemplateStore(CaseFlowDatabase database, string directory, TimeProvider time)
{
    public static readonly IReadOnlyList<string> Names = ["ranking.hi", "ranking.en", "hod-overdue.hi", "hod-overdue.en"];

    public const string Extension = ".sbn-html";

    public async Task<CircularTemplate> GetAsync(string name, CancellationToken ct)
    {
        Known(name);
        await using var db = database.CreateContext();
        var row = await db.CircularTemplates.Where(t => t.Name == name).OrderByDescending(t => t.Version).FirstOrDefaultAsync(ct);
        if (row is not null) return new CircularTemplate(row.Name, row.Version, row.Text, row.SavedAt, row.SavedBy);
        var path = Path.Combine(directory, name + Extension);
        if (!File.Exists(path))
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "TEMPLATE_MISSING", $"Template {name} is neither saved nor shipped at {path}.");
        return new CircularTemplate(name, 0, await File.ReadAllTextAsync(path, ct), null, "");
    }

    public async Task<CircularTemplate> SaveAsync(string name, string text, string savedBy, CancellationToken ct)
    {
        Known(name);
        var errors = CircularRenderer.Check(text, name);
        if (errors.Count > 0)
            throw new CaseFlowException(ErrorKind.InvalidArgument, "TEMPLATE_INVALID",
                $"Template {name} does not parse ({string.Join("; ", errors)}); the version in force is unchanged.",
                [new FieldViolation("text", string.Join("; ", errors))]);
        await using var db = database.CreateContext();
        var last = await db.CircularTemplates.Where(t => t.Name == name).MaxAsync(t => (int?)t.Version, ct) ?? 0;
        var row = new CircularTemplateRow { Name = name, Version = last + 1, Text = text, SavedAt = time.GetUtcNow(), SavedBy = savedBy };
        db.CircularTemplates.Add(row);
        await db.SaveChangesAsync(ct);
        return new CircularTemplate(row.Name, row.Version, row.Text, row.SavedAt, row.SavedBy);
    }

    private static void Known(string name)
    {
        if (!Names.Contains(name))
            throw CaseFlowException.Invalid("name", $"'{TextLimit.Echo(name)}' is not a circular template; use one of {string.Join(", ", Names)}");
    }
}
