using System.Net;
using System.Text.Json;
using CaseFlow.Api.V1;
using CaseFlow.Server.Hosting;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using static CaseFlow.Server.Tests.CaseFlowHost;

namespace CaseFlow.Server.Tests;

/// <summary>
/// Health tells the truth: a replica whose database stops taking commits, or whose timers fall behind, says
/// NOT_SERVING (gRPC) and 503 (/healthz) with the reason, refuses writes it cannot commit, and recovers by itself.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class HealthTests(DatabaseProvider provider)
{
    private static readonly Dictionary<string, string?> FastProbe = new()
    {
        ["CaseFlow:Health:ProbeInterval"] = "00:00:00.200",
        ["CaseFlow:Health:ProbeTimeout"] = "00:00:01.500",
        ["CaseFlow:Health:MaxTimerLag"] = "00:01:00",
    };

    [Test]
    public async Task Losing_the_database_turns_the_replica_not_serving_with_the_reason_and_it_recovers_by_itself()
    {
        await using var host = await StartAsync(settings: FastProbe, provider: provider);
        var health = new Health.HealthClient(host.Channel);
        var cases = new CaseService.CaseServiceClient(host.Channel);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") };
        Assert.That((await health.CheckAsync(new HealthCheckRequest())).Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        var (code, body) = await HealthzAsync(http);
        Assert.That(code, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString(), Is.EqualTo("Healthy"));

        await using (var outage = await BreakAsync(host))
        {
            await Eventually.Until(() => health.CheckAsync(new HealthCheckRequest()).ResponseAsync,
                r => r.Status == HealthCheckResponse.Types.ServingStatus.NotServing, "NOT_SERVING", seconds: 30);
            (code, body) = await HealthzAsync(http);
            Assert.That(code, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("NOT_SERVING"));
            var database = body.GetProperty("checks").GetProperty("database");
            Assert.That(database.GetProperty("status").GetString(), Is.EqualTo("Unhealthy"));
            Assert.That(database.GetProperty("description").GetString(), Does.Contain("does not take commits"));

            if (provider == DatabaseProvider.Postgres)
            {
                // The writes it cannot commit are refused at once, as retryable, not queued or answered INTERNAL.
                var started = DateTime.UtcNow;
                var refused = (await Assert.ThrowsAsync<RpcException>(() => cases.CreateCaseAsync(Requests.NewCase(), host.As(PortalKey)).ResponseAsync))!;
                Assert.That(refused.StatusCode, Is.EqualTo(StatusCode.Unavailable));
                Assert.That(Requests.Reason(refused), Is.EqualTo("DATABASE_UNAVAILABLE"));
                Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(5)), "refused without waiting for a connection timeout");
            }
        }

        await Eventually.Until(() => health.CheckAsync(new HealthCheckRequest()).ResponseAsync,
            r => r.Status == HealthCheckResponse.Types.ServingStatus.Serving, "SERVING again", seconds: 30);
        Assert.That((await HealthzAsync(http)).Code, Is.EqualTo(HttpStatusCode.OK));
        var created = await cases.CreateCaseAsync(Requests.NewCase(), host.As(PortalKey));
        Assert.That((await cases.GetCaseAsync(new GetCaseRequest { Name = created.Name }, host.As(PortalKey))).Number, Is.EqualTo(created.Number));
    }

    [Test]
    public async Task A_due_timer_nobody_fires_turns_the_replica_not_serving_until_it_is_fired()
    {
        await using var host = await StartAsync(settings: FastProbe, provider: provider);
        var health = new Health.HealthClient(host.Channel);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") };
        await new CaseService.CaseServiceClient(host.Channel).CreateCaseAsync(Requests.NewCase(), host.As(PortalKey));
        await Eventually.Until(() => Task.FromResult(host.Database.Scalar(host.DataDirectory, """SELECT COUNT(*) FROM "WorkflowBookmarks" WHERE "Kind" = 'Timer'""")),
            (long n) => n > 0, "the case's SLA timer");

        // A replica that died holding a claim with a long lease: its timer is due and nobody may fire it.
        var stuck = host.Database.Scalar(host.DataDirectory, $"""
            UPDATE "WorkflowBookmarks" SET "DueAt" = {DateTimeOffset.UtcNow.AddHours(-1).UtcTicks}, "ClaimOwner" = 'dead-replica',
              "LeaseUntil" = {DateTimeOffset.UtcNow.AddDays(1).UtcTicks}
            WHERE "Kind" = 'Timer'
            """, execute: true);
        Assert.That(stuck, Is.GreaterThan(0));
        await Eventually.Until(() => health.CheckAsync(new HealthCheckRequest()).ResponseAsync,
            r => r.Status == HealthCheckResponse.Types.ServingStatus.NotServing, "NOT_SERVING for the stuck timer", seconds: 30);
        var timers = (await HealthzAsync(http)).Body.GetProperty("checks").GetProperty("timers");
        Assert.That(timers.GetProperty("description").GetString(), Does.Contain("behind"));
        Assert.That(timers.GetProperty("data").GetProperty("lag_seconds").GetDouble(), Is.GreaterThan(3000));

        host.Database.Scalar(host.DataDirectory, """UPDATE "WorkflowBookmarks" SET "ClaimOwner" = NULL, "LeaseUntil" = NULL WHERE "ClaimOwner" = 'dead-replica'""", execute: true);
        await Eventually.Until(() => health.CheckAsync(new HealthCheckRequest()).ResponseAsync,
            r => r.Status == HealthCheckResponse.Types.ServingStatus.Serving, "SERVING once the timer fired", seconds: 30);
    }

    private static async Task<(HttpStatusCode Code, JsonElement Body)> HealthzAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/healthz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>
    /// Takes the database away from the replica until disposed. PostgreSQL: connections to it are refused and the
    /// open ones ended. SQLite (where the test runs as root, so file permissions do not bind): another process
    /// holds the write lock, which is what an unwritable database looks like to the writer.
    /// </summary>
    private async Task<IAsyncDisposable> BreakAsync(CaseFlowHost host)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            await host.Database.SetReachableAsync(false);
            return new Restore(() => host.Database.SetReachableAsync(true));
        }
        var locker = new SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "caseflow.db")};Pooling=False");
        await locker.OpenAsync();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();
        }
        return new Restore(async () =>
        {
            await using (var rollback = locker.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }
            await locker.DisposeAsync();
        });
    }

    private sealed class Restore(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }
}
