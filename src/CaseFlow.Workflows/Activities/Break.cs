using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Break", DisplayNameHi = "लूप से बाहर", Category = "Looping", Description = "Leaves the nearest enclosing loop (ForEach, For, While, ParallelForEach).")]
[Outcomes]
public sealed class Break : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.BreakLoop();
        return ValueTask.CompletedTask;
    }
}
