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
