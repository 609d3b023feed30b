namespace CaseFlow.Server.Rpc;

/// <summary>Bound from CaseFlow:Watch: the WatchCaseEvents stream.</summary>
public sealed class WatchOptions
{
    /// <summary>A heartbeat goes to an idle watcher this often.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How far back a resume token may reach; older tokens get FAILED_PRECONDITION.</summary>
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromDays(7);
}
