namespace CaseFlow.Server.Tests;

/// <summary>
/// Waits for background work (the workflow dispatcher, the timer service) to reach a state. Business time
/// is moved by FakeTimeProvider; this only bounds how long the test waits for the server to catch up.
/// </summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {seconds} s waiting for {what}; last seen: {last}");
            await Task.Delay(50);
        }
    }
}
