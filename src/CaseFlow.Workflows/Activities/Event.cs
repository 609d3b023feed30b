using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "Event", DisplayNameHi = "घटना की प्रतीक्षा", Waits = true, Category = "Primitives", Description = "Waits for an event with this name and the instance's correlation id. An event that arrived earlier is delivered at once.")]
[Input("eventName", "String")]
[Outcomes(Done)]
public sealed class Event : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = context.EvaluateString("eventName");
        if (string.IsNullOrWhiteSpace(name))
            throw new InvalidOperationException($"Event {context.Node.Label} has no event name.");
        context.CreateEventBookmark(name);
        return ValueTask.CompletedTask;
    }
}
