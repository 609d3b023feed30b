using System.Data;
using CaseFlow.Core.Ranking;
using CaseFlow.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Server.Tests;

/// <summary>
/// The ranking believes a case's carried history fold (<see cref="Core.Cases.Case.Replay"/>) instead of its events when
/// nothing happened after the period: so every case the service wrote must carry exactly the fold of its events.
/// </summary>
internal static class CarriedFolds
{
    /// <returns>How many cases carried a fold (the caller says how many it expects at least).</returns>
    public static async Task<int> AssertAgreeWithHistoryAsync(CaseFlowHost host)
    {
        await using var db = host.Services.GetRequiredService<CaseFlowDatabase>().CreateContext();
        // One snapshot for both reads, or a commit between them would look like a disagreement.
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var cases = await db.Cases.AsNoTracking().Where(c => c.Replay != null).Select(c => new { c.Number, c.Replay }).ToListAsync();
        var events = (await db.CaseEvents.AsNoTracking().ToListAsync()).OrderBy(e => e.Id).ToLookup(e => e.CaseNumber);
        foreach (var c in cases)
            Assert.That(c.Replay, Is.EqualTo(CaseHistory.Fold(events[c.Number], DateTimeOffset.MaxValue)),
                $"{c.Number}: the carried fold is the fold of its events ({string.Join(", ", events[c.Number].Select(e => e.Type))})");
        return cases.Count;
    }
}
