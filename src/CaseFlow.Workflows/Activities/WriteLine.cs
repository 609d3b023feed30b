using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "WriteLine", DisplayNameHi = "पंक्ति लिखें", DisplayName = "Write Line", Category = "Console", Description = "Writes a line of text to the line sink once the step has committed.")]
[Input("text", "String", UiHint = UiHints.Multiline)]
[Outcomes(Done)]
public sealed class WriteLine : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var sink = context.GetService<IWriteLineSink>() ?? ConsoleWriteLineSink.Instance;
        var text = context.EvaluateString("text") ?? "";
        var instanceId = context.InstanceId;
        var activityId = context.ActivityId;
        context.AfterCommit(() =>
        {
            sink.WriteLine(instanceId, activityId, text);
            return ValueTask.CompletedTask;
        });
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
