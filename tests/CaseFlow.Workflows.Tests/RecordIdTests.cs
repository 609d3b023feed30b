using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Tests;

public sealed class RecordIdTests
{
    [Test]
    public async Task Keys_are_version_7_UUIDs_unique_across_threads_and_ordered_by_the_millisecond_they_were_made()
    {
        // Four threads, each well past one refill of its random pool.
        var made = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 2_000).Select(_ => RecordIds.New()).ToList())));
        var keys = made.SelectMany(k => k).ToList();
        Assert.That(keys.Distinct().Count(), Is.EqualTo(keys.Count), "no key made twice");
        Assert.That(keys, Has.All.Match("^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$"), "32 lower-case hex digits, version 7, RFC 9562 variant");
        Assert.That(keys.Select(k => Guid.Parse(k).Version), Has.All.EqualTo(7), ".NET reads them as version 7 UUIDs");

        var before = RecordIds.New();
        await Task.Delay(5);
        var after = RecordIds.New();
        Assert.That(string.CompareOrdinal(before, after), Is.LessThan(0), "a key made in a later millisecond sorts after");
        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(after[..12], 16));
        Assert.That(stamp, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)), "the first 48 bits are the Unix time in milliseconds");
    }
}
