namespace CaseFlow.Server.Designer;

/// <summary>The workflow designer on the HTTP/1.1 port; one administrator credential for now.</summary>
public sealed class DesignerOptions
{
    public string AdminUser { get; set; } = "admin";

    /// <summary>
    /// SHA-256 (hex) of the administrator's password. The default is the demo password "caseflow-demo"
    /// (see README), so a fresh checkout can be tried; any real deployment sets its own.
    /// </summary>
    public string AdminPasswordSha256 { get; set; } = "1da8f36d9f5bcbd0019dc44d6514adbefbe4ff4992845c7734ce3f22dcaf26a2";

    /// <summary>Where the built designer lives; defaults to wwwroot/designer beside the binary.</summary>
    public string? WebRoot { get; set; }

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Wrong passwords for one user name before it is locked out for <see cref="LockoutDuration"/>.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    public string ResolvedWebRoot => WebRoot ?? Path.Combine(AppContext.BaseDirectory, "wwwroot", "designer");
}
