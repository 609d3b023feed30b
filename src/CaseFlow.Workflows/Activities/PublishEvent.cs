using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "PublishEvent", DisplayNameHi = "घटना प्रकाशित करें", DisplayName = "Publish Event", Category = "Primitives", Description = "Publishes an event once this step has committed.")]
[Input("eventName", "String")]
[Input("correlationId", "String", Description = "Defaults to this instance's correlation id.")]
[Input("payload", "Object", UiHint = UiHints.Json)]
[Outcomes(Done)]
public sealed class PublishEvent : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = context.EvaluateString("eventName");
        if (string.IsNullOrWhiteSpace(name))
            throw new InvalidOperationException($"PublishEvent {context.Node.Label} has no event name.");
        var correlationId = context.HasInput("correlationId") ? context.EvaluateString("correlationId") : context.CorrelationId;
        context.PublishEvent(name, string.IsNullOrEmpty(correlationId) ? context.CorrelationId : correlationId, context.Evaluate("payload"));
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
