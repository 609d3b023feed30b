using CaseFlow.Core.Errors;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Persistence.Circulars;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Circulars;

/// <param name="Shipped">True for the file in the seed folder, false for a version an administrator saved.</param>
public sealed record ScorecardVersion(Scorecard Scorecard, string Json, DateTimeOffset? SavedAt, string SavedBy, string Note, bool Shipped);

/// <summary>
/// The scorecard in force: the file shipped in the seed folder until an administrator saves a version, then the
/// highest saved version. Versions are numbered past the shipped file's, only a scorecard that validates is saved
/// (the one in force always ranks), and every version stays readable, so a stored ranking is explained by the
/// version it was computed with.
/// </summary>
public sealed class ScorecardStore(CaseFlowDatabase database, string shippedPath, TimeProvider time)
{
    public const int MaxNote = 500;

    public async Task<ScorecardVersion> CurrentAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.ScorecardVersions.OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        return row is null ? await ShippedAsync(ct) : FromRow(row);
    }

    public async Task<Scorecard> LoadAsync(CancellationToken ct) => (await CurrentAsync(ct)).Scorecard;

    /// <param name="version">0 for the version in force.</param>
    public async Task<ScorecardVersion> GetAsync(int version, CancellationToken ct)
    {
        if (version < 0) throw CaseFlowException.Invalid("version", "must be 0 (the version in force) or a version number");
        if (version == 0) return await CurrentAsync(ct);
        await using var db = database.CreateContext();
        var row = await db.ScorecardVersions.FirstOrDefaultAsync(v => v.Version == version, ct);
        if (row is not null) return FromRow(row);
        var shipped = await ShippedAsync(ct);
        return shipped.Scorecard.Version == version
            ? shipped
            : throw CaseFlowException.NotFound("Scorecard version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Checks a new version and, unless <paramref name="validateOnly"/>, saves it as the one in force. Its version
    /// must be the next one (or left out, and then is given it); every problem comes back in the one error.
    /// </summary>
    public async Task<ScorecardVersion> SaveAsync(string json, string note, string savedBy, bool validateOnly, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(json)) throw CaseFlowException.Invalid("scorecard_json", "is required");
        if (note.Length > MaxNote) throw CaseFlowException.Invalid("note", $"must be at most {MaxNote} characters");
        var current = await CurrentAsync(ct);
        var next = current.Scorecard.Version + 1;
        var problems = Scorecard.Check(json, out var card);
        if (card is not null && card.Version == 0)
        {
            card = card with { Version = next };
            problems = card.Validate();
        }
        var violations = new List<FieldViolation>();
        if (problems.Count > 0) violations.Add(new FieldViolation("scorecard_json", string.Join("; ", problems)));
        if (card is not null && card.Version != next)
            violations.Add(new FieldViolation("scorecard_json.version", $"must be {next}, the version after the one in force ({current.Scorecard.Version}), or left out"));
        if (violations.Count > 0)
            throw new CaseFlowException(ErrorKind.InvalidArgument, "SCORECARD_INVALID",
                $"The scorecard is refused ({string.Join("; ", violations.Select(v => v.Description))}); version {current.Scorecard.Version} stays in force.",
                violations);
        var stored = System.Text.Json.JsonSerializer.Serialize(card!, Scorecard.Json);
        var saved = new ScorecardVersion(card!, stored, time.GetUtcNow(), savedBy, note, Shipped: false);
        if (validateOnly) return saved with { SavedAt = null };
        await using var db = database.CreateContext();
        db.ScorecardVersions.Add(new ScorecardVersionRow { Version = card!.Version, Json = stored, SavedAt = saved.SavedAt!.Value, SavedBy = savedBy, Note = note });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // The unique version index: another administrator saved version N first.
            throw new CaseFlowException(ErrorKind.Aborted, "SCORECARD_CONFLICT",
                $"Version {card.Version} was saved by someone else meanwhile; read the version in force and save again.");
        }
        return saved;
    }

    private async Task<ScorecardVersion> ShippedAsync(CancellationToken ct)
    {
        var json = await File.ReadAllTextAsync(shippedPath, ct);
        return new ScorecardVersion(Scorecard.Parse(json), json, null, "", "shipped with CaseFlow", Shipped: true);
    }

    private static ScorecardVersion FromRow(ScorecardVersionRow row) =>
        new(Scorecard.Parse(row.Json), row.Json, row.SavedAt, row.SavedBy, row.Note, Shipped: false);
}
