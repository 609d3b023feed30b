using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Tests;

/// <summary>A bad setting stops the host at start with a message naming the setting.</summary>
public sealed class ConfigurationTests
{
    [TestCase("CaseFlow:Database:Provider", "Postgres", "CaseFlow:Database:ConnectionString")]
    [TestCase("CaseFlow:Closure:SpecialCloseReviewShare", "1.5", "CaseFlow:Closure:SpecialCloseReviewShare")]
    [TestCase("CaseFlow:ApiKeys:0:KeySha256", "not-a-hash", "CaseFlow:ApiKeys:0:KeySha256")]
    [TestCase("CaseFlow:ApiKeys:0:Permissions:0", "Everything", "CaseFlow:ApiKeys:0:Permissions")]
    [TestCase("CaseFlow:ListenAddress", "localhost:80", "CaseFlow:ListenAddress")]
    public async Task A_bad_setting_stops_the_host_naming_it(string key, string value, string named)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await CaseFlowHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value });
        });
        Assert.That(e!.Message, Does.Contain(named));
    }
}
