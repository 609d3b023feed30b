using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Tests.Support;

public sealed class FlakySwitch
{
    public bool Broken { get; set; } = true;
}

[Activity("CaseFlow", "Flaky", Category = "Test")]
[Outcomes(Done)]
public sealed class Flaky : Activity
{
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        await Task.Yield();
        if (context.GetRequiredService<FlakySwitch>().Broken)
            throw new InvalidOperationException("the notification gateway is down");
        context.Complete(Done);
    }
}

/// <summary>Waits on a timer and fails while handling it, as a breach handler whose gateway is down would.</summary>
[Activity("CaseFlow", "FlakyBreach", Category = "Test")]
[Outcomes("Breached")]
public sealed class FlakyBreach : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CreateTimer(context.Now.AddDays(2), "breach");
        context.SetVariable("Armed", context.Now);
        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        if (context.GetRequiredService<FlakySwitch>().Broken)
            throw new InvalidOperationException("breach handler failed");
        context.Complete(context.ResumedBookmark!.Tag == "breach" ? "Breached" : "Unexpected");
        return ValueTask.CompletedTask;
    }
}
