using CaseFlow.Core.Cases;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence;

/// <summary>The clocks running on open cases: each workable case's level and when that level's limit started.</summary>
public sealed class OpenClocks(CaseFlowDatabase database)
{
    /// <summary>
    /// The start of a level's limit is its latest due time set at that level (the SLA timer sets one as it starts); a case
    /// whose clock is stopped (a pending proposal, resolved and awaiting the complainant) is not running and is left out.
    /// </summary>
    public async Task<List<(int Level, DateTimeOffset Start)>> RunningAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var workable = CaseStatusExtensions.Workable.ToArray();
        var rows = await db.Cases.AsNoTracking()
            .Where(c => workable.Contains(c.Status))
            .Select(c => new
            {
                c.Level,
                Start = db.CaseEvents.Where(e => e.CaseNumber == c.Number && e.Type == CaseEventType.DueTimeSet && e.Level == c.Level).Max(e => (DateTimeOffset?)e.At),
            })
            .Where(x => x.Start != null)
            .ToListAsync(ct);
        return rows.Select(r => (r.Level, r.Start!.Value)).ToList();
    }
}
