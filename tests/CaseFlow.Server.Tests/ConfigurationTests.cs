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

    [Test]
    public void The_server_reads_its_settings_files_once_and_watches_no_folder()
    {
        // A settings file read with reload on would put a recursive watch on the content root, and a data directory under it
        // (the server run from its own folder) would turn every commit into file-system events for the watcher to examine.
        var builder = Hosting.ServerComposition.CreateBuilder([]);
        var files = ((Microsoft.Extensions.Configuration.IConfigurationRoot)builder.Configuration).Providers
            .OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>().ToList();
        Assert.That(files.Select(f => f.Source.Path), Does.Contain("appsettings.json"));
        Assert.That(files.Where(f => f.Source.ReloadOnChange).Select(f => f.Source.Path), Is.Empty);
    }
}
