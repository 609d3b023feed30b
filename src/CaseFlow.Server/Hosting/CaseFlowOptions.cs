using CaseFlow.Server.Circulars;
using CaseFlow.Server.Designer;
using CaseFlow.Server.Escalation;
using CaseFlow.Server.Persistence;
using CaseFlow.Server.Rpc;
using CaseFlow.Server.Security;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Hosting;

public sealed class CaseFlowOptions
{
    public const string Section = "CaseFlow";

    /// <summary>Where the SQLite file and other state live; relative paths are from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The address both ports bind to. 127.0.0.1 by default: exposing CaseFlow is a deliberate act.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>gRPC, HTTP/2 only (cleartext h2 needs a port of its own; a mixed port falls back to HTTP/1.1).</summary>
    public int GrpcPort { get; set; } = 5180;

    /// <summary>HTTP/1.1: the designer and plain HTTP health checks.</summary>
    public int HttpPort { get; set; } = 5181;

    /// <summary>Folder with directory.json and calendars/; defaults to the copy shipped beside the binary.</summary>
    public string? SeedDirectory { get; set; }

    public DatabaseOptions Database { get; set; } = new();

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public SecurityOptions Security { get; set; } = new();

    public ClosureOptions Closure { get; set; } = new();

    public WatchOptions Watch { get; set; } = new();

    public WorkflowOptions Workflows { get; set; } = new();

    public CircularOptions Circulars { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    public DesignerOptions Designer { get; set; } = new();

    public HealthOptions Health { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>This process among the replicas sharing the database: its timer claims and its health row carry it.</summary>
    public string ResolvedEngineId => Workflows.EngineId ?? $"{Environment.MachineName}:{GrpcPort}";

    public string ResolvedSeedDirectory => SeedDirectory ?? Path.Combine(AppContext.BaseDirectory, "seed");

    public string ResolvedScorecardPath => Circulars.ScorecardPath ?? Path.Combine(ResolvedSeedDirectory, "scorecard.json");

    /// <summary>The persistence room's settings, resolved (a method, so the configuration binder leaves it alone).</summary>
    public PersistenceOptions ToPersistenceOptions() => new(Database, DataDirectory, ResolvedSeedDirectory, ResolvedEngineId);
}

/// <summary>Where CaseFlow's metrics and traces go (OpenTelemetry).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve the Prometheus scrape endpoint at /metrics on the HTTP port.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>An OTLP collector (e.g. http://collector:4317) to push metrics and traces to; none when empty.</summary>
    public string? OtlpEndpoint { get; set; }
}

/// <summary>What the health report checks and where it draws the line between serving and not serving.</summary>
public sealed class HealthOptions
{
    /// <summary>How often the probe writes through the writer (real time).</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A probe not committed within this is a failed probe.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The oldest due timer may be this far behind the clock before the replica reports NOT_SERVING.</summary>
    public TimeSpan MaxTimerLag { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests waiting for the writer before the replica reports NOT_SERVING (the disk cannot keep up).</summary>
    public int MaxWriterQueue { get; set; } = 20_000;
}


public sealed class ClosureOptions
{
    /// <summary>Closing without the complainant is what the Chief Secretary's orders forbid: off by default.</summary>
    public bool ForceCloseEnabled { get; set; }

    /// <summary>The share of approved special closes sampled into the review queue (0..1).</summary>
    public double SpecialCloseReviewShare { get; set; } = 1.0;

    /// <summary>Complaints accepted from one phone number per day (IST); MP's helpline uses 10.</summary>
    public int MaxComplaintsPerPhonePerDay { get; set; } = 10;
}





internal sealed class CaseFlowOptionsValidator : IValidateOptions<CaseFlowOptions>
{
    public ValidateOptionsResult Validate(string? name, CaseFlowOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.DataDirectory))
            errors.Add("CaseFlow:DataDirectory must be set.");
        if (!System.Net.IPAddress.TryParse(o.ListenAddress, out _))
            errors.Add($"CaseFlow:ListenAddress '{o.ListenAddress}' is not an IP address.");
        if (o.GrpcPort is < 0 or > 65535) errors.Add($"CaseFlow:GrpcPort {o.GrpcPort} is not a port number.");
        if (o.HttpPort is < 0 or > 65535) errors.Add($"CaseFlow:HttpPort {o.HttpPort} is not a port number.");
        if (o.GrpcPort != 0 && o.GrpcPort == o.HttpPort)
            errors.Add("CaseFlow:GrpcPort and CaseFlow:HttpPort must differ: gRPC needs an HTTP/2-only port.");
        if (o.Database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(o.Database.ConnectionString))
            errors.Add("CaseFlow:Database:ConnectionString must be set for the Postgres provider (e.g. Host=db;Database=caseflow;Username=caseflow;Password=...).");
        if (o.Database.MaxWriteBatch is < 1 or > 10_000)
            errors.Add($"CaseFlow:Database:MaxWriteBatch {o.Database.MaxWriteBatch} must be between 1 and 10000.");
        if (!File.Exists(Path.Combine(o.ResolvedSeedDirectory, "directory.json")))
            errors.Add($"CaseFlow:SeedDirectory '{o.ResolvedSeedDirectory}' has no directory.json.");
        // Without a key nothing can call CaseFlow, and every call would be answered UNAUTHENTICATED with no hint why:
        // typically appsettings.json was not found. Stop here and say so.
        if (o.ApiKeys.Count == 0)
            errors.Add("CaseFlow:ApiKeys is empty: no calling system could authenticate. Configure at least one key " +
                       "(appsettings.json beside the binary, environment variables CaseFlow__ApiKeys__0__System=..., or command-line arguments).");
        if (o.Security.FailedAuthenticationBurst < 1 || o.Security.FailedAuthenticationsPerMinute < 1)
            errors.Add("CaseFlow:Security:FailedAuthenticationBurst and FailedAuthenticationsPerMinute must be at least 1.");
        if (o.Designer.MaxFailedSignIns < 1)
            errors.Add("CaseFlow:Designer:MaxFailedSignIns must be at least 1.");
        if (o.Designer.LockoutDuration <= TimeSpan.Zero)
            errors.Add("CaseFlow:Designer:LockoutDuration must be positive.");
        for (var i = 0; i < o.ApiKeys.Count; i++)
        {
            var k = o.ApiKeys[i];
            var at = $"CaseFlow:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(k.System)) errors.Add($"{at}:System must be set.");
            if (k.KeySha256.Length != 64 || !k.KeySha256.All(char.IsAsciiHexDigit))
                errors.Add($"{at}:KeySha256 must be the 64 hex digits of the key's SHA-256.");
            foreach (var p in k.Permissions.Where(p => !Enum.TryParse<Core.Access.Permissions>(p, out _)))
                errors.Add($"{at}:Permissions has unknown permission '{p}'.");
            if (k.Departments.Count == 0)
                errors.Add($"{at}:Departments must list department ids or \"*\".");
        }
        if (o.Closure.SpecialCloseReviewShare is < 0 or > 1)
            errors.Add($"CaseFlow:Closure:SpecialCloseReviewShare {o.Closure.SpecialCloseReviewShare} must be between 0 and 1.");
        if (o.Closure.MaxComplaintsPerPhonePerDay < 1)
            errors.Add("CaseFlow:Closure:MaxComplaintsPerPhonePerDay must be at least 1.");
        if (o.Workflows.MaxDuration <= TimeSpan.Zero || o.Workflows.MinTimerInterval <= TimeSpan.Zero || o.Workflows.MinTimerInterval > o.Workflows.MaxDuration)
            errors.Add("CaseFlow:Workflows:MaxDuration and MinTimerInterval must be positive, the interval no longer than the duration.");
        if (o.Workflows.TimerLease < TimeSpan.FromSeconds(1) || o.Workflows.TimerBatchSize is < 1 or > 10_000 || o.Workflows.RepairInterval <= TimeSpan.Zero)
            errors.Add("CaseFlow:Workflows:TimerLease must be at least a second, TimerBatchSize between 1 and 10000, RepairInterval positive.");
        if (o.Workflows.MaxActivitiesPerStep < 10 || o.Workflows.MaxStepDuration <= TimeSpan.Zero)
            errors.Add("CaseFlow:Workflows:MaxActivitiesPerStep must be at least 10 and MaxStepDuration positive.");
        if (o.Watch.HeartbeatInterval <= TimeSpan.Zero)
            errors.Add("CaseFlow:Watch:HeartbeatInterval must be positive.");
        if (string.IsNullOrWhiteSpace(o.Designer.AdminUser))
            errors.Add("CaseFlow:Designer:AdminUser must be set.");
        if (o.Designer.AdminPasswordSha256.Length != 64 || !o.Designer.AdminPasswordSha256.All(char.IsAsciiHexDigit))
            errors.Add("CaseFlow:Designer:AdminPasswordSha256 must be the 64 hex digits of the password's SHA-256.");
        if (o.Designer.SessionLifetime <= TimeSpan.Zero)
            errors.Add("CaseFlow:Designer:SessionLifetime must be positive.");
        if (o.ApiKeys.GroupBy(k => k.KeySha256, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            errors.Add("CaseFlow:ApiKeys has two systems with the same key.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The circulars' settings: the scorecard parses, the templates folder exists, SMTP settings are usable.</summary>
internal sealed class CircularOptionsValidator : IValidateOptions<CaseFlowOptions>
{
    public ValidateOptionsResult Validate(string? name, CaseFlowOptions o)
    {
        var errors = new List<string>();
        var scorecard = o.ResolvedScorecardPath;
        if (!File.Exists(scorecard))
            errors.Add($"CaseFlow:Circulars:ScorecardPath '{scorecard}' does not exist.");
        else
        {
            try { Core.Ranking.Scorecard.Load(scorecard); }
            catch (Core.Ranking.ScorecardException e) { errors.Add($"CaseFlow:Circulars:ScorecardPath '{scorecard}': {e.Message}"); }
        }
        if (!Directory.Exists(o.Circulars.ResolvedTemplatesDirectory))
            errors.Add($"CaseFlow:Circulars:TemplatesDirectory '{o.Circulars.ResolvedTemplatesDirectory}' does not exist.");
        if (o.Circulars.MaxOverdueListed is < 1 or > 5000)
            errors.Add($"CaseFlow:Circulars:MaxOverdueListed {o.Circulars.MaxOverdueListed} must be between 1 and 5000.");
        errors.AddRange(o.Circulars.Letter.Problems().Select(p => p + "."));
        if (!string.IsNullOrWhiteSpace(o.Smtp.Host))
        {
            if (o.Smtp.Port is < 1 or > 65535) errors.Add($"CaseFlow:Smtp:Port {o.Smtp.Port} is not a port number.");
            if (!MimeKit.MailboxAddress.TryParse(o.Smtp.From, out _)) errors.Add($"CaseFlow:Smtp:From '{o.Smtp.From}' is not a mail address.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
