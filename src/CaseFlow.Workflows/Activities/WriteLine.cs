using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "WriteLine", DisplayName = "Write Line", Category = "Console", Description = "Writes a line of text to the line sink.")]
[Input("text", "String", UiHint = UiHints.Multiline)]
[Outcomes(Done)]
public sealed class WriteLine : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var sink = context.GetService<IWriteLineSink>() ?? ConsoleWriteLineSink.Instance;
        sink.WriteLine(context.InstanceId, context.ActivityId, context.EvaluateString("text") ?? "");
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
