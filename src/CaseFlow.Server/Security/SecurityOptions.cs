namespace CaseFlow.Server.Security;

/// <summary>A calling system: its key (stored as a SHA-256 hash), what it may do and which departments.</summary>
public sealed class ApiKeyOptions
{
    public string System { get; set; } = "";
    public string KeySha256 { get; set; } = "";
    public List<string> Permissions { get; set; } = [];
    /// <summary>Department ids, or ["*"] for every department.</summary>
    public List<string> Departments { get; set; } = [];
}

public sealed class SecurityOptions
{
    /// <summary>Calls with a missing or unknown API key one source address may make at once.</summary>
    public int FailedAuthenticationBurst { get; set; } = 20;

    /// <summary>How fast that budget comes back; beyond it the address gets RESOURCE_EXHAUSTED, even with a right key.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 10;
}
