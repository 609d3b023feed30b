using System.Text.Json.Nodes;
using CaseFlow.Workflows.Expressions;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

/// <summary>
/// What ExecuteWorkflow and DispatchWorkflow share: the child is an instance of its own, started once after the
/// parent's step commits, with an id made from the parent, the activity and the parent's journal position (a redone
/// step starts no second child; a loop back to the activity starts a new one). A parent that waits holds two
/// bookmarks: the child's completion event, and a check-up timer that starts the child if the after-commit start was
/// lost to a crash (with the inputs and correlation it was to start with, kept in the parent's state until the child is
/// seen), and reads the child's end if its notice was. Whichever comes first completes the activity; the other is
/// cancelled with it, so the parent resumes once. A dispatch that does not wait holds nothing: as with Elsa's own
/// dispatcher, a crash in the moment between the parent's commit and the child's start loses the start.
/// </summary>
internal static class ChildWorkflowRun
{
    public static readonly TimeSpan CheckUpInterval = TimeSpan.FromMinutes(1);
    private const string CheckUpTag = "child-check:";

    public static ValueTask StartAsync(ActivityExecutionContext context)
    {
        var children = context.ChildWorkflows ?? throw new InvalidOperationException($"{context.Node.Label}: this engine cannot start child workflows.");
        var definitionId = context.EvaluateString("workflowDefinitionId");
        if (string.IsNullOrWhiteSpace(definitionId))
            throw new InvalidOperationException($"{context.Node.Label} names no workflow to run (workflowDefinitionId).");
        var input = context.Evaluate("input") is JsonObject given
            ? given.ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.DeepClone(), StringComparer.Ordinal)
            : null;
        // Elsa carries the parent's correlation over unless the activity sets another.
        var correlationId = context.EvaluateString("correlationId") is { Length: > 0 } c ? c : context.CorrelationId;
        var wait = context.HasInput("waitForCompletion") && context.EvaluateBoolean("waitForCompletion");
        // Deeply nested paths are hashed, so the id stays within the stores' 128 characters.
        var where = context.ActivityPath.Length <= 48
            ? context.ActivityPath.Replace('/', '.')
            : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(context.ActivityPath)))[..16];
        var childId = $"{context.InstanceId}.{where}.{context.Sequence}";
        var parent = wait ? context.InstanceId : null;

        if (wait)
        {
            context.CreateEventBookmark(IChildWorkflows.CompletedEvent, childId, childId);
            context.CreateTimer(context.Now + CheckUpInterval, CheckUpTag + definitionId + "|" + childId);
            // The inputs as evaluated now: evaluated again at the check-up, they could read variables changed since.
            context.RememberChildStart(childId, new ChildStart
            {
                DefinitionId = definitionId, CorrelationId = correlationId,
                Input = input?.ToDictionary(kv => kv.Key, kv => (kv.Value as JsonNode)?.DeepClone(), StringComparer.Ordinal),
            });
        }
        var token = context.CancellationToken;
        context.AfterCommit(async () => await children.StartChildAsync(definitionId, childId, correlationId, input, parent, token));
        if (!wait)
        {
            context.SetOutput("Result", new JsonObject { ["workflowInstanceId"] = childId });
            context.Complete(Activity.Done);
        }
        return ValueTask.CompletedTask;
    }

    public static async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var tag = context.ResumedBookmark?.Tag ?? "";
        if (!tag.StartsWith(CheckUpTag, StringComparison.Ordinal))
        {
            Finish(context, context.ResumePayload);
            return;
        }
        var children = context.ChildWorkflows ?? throw new InvalidOperationException($"{context.Node.Label}: this engine cannot read child workflows.");
        var (definitionId, childId) = (tag[CheckUpTag.Length..].Split('|')[0], tag[(tag.IndexOf('|') + 1)..]);
        var child = await children.GetAsync(childId, context.CancellationToken);
        if (child is { Status: WorkflowStatus.Finished or WorkflowStatus.Cancelled })
        {
            Finish(context, IChildWorkflows.Result(child));
            return;
        }
        if (child is null)
        {
            // The start after the parent's commit never happened (a crash): start it now, once, as it was to be started.
            // A parent stored before the start was kept has only the definition; its child gets the parent's correlation.
            var start = context.RecallChildStart(childId);
            var input = start?.Input?.ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.DeepClone(), StringComparer.Ordinal);
            var correlationId = start is null ? context.CorrelationId : start.CorrelationId;
            var token = context.CancellationToken;
            var parent = context.InstanceId;
            context.AfterCommit(async () => await children.StartChildAsync(definitionId, childId, correlationId, input, parent, token));
        }
        else
            context.ForgetChildStart(childId);
        context.CreateTimer(context.Now + CheckUpInterval, tag);
    }

    private static void Finish(ActivityExecutionContext context, JsonNode? result)
    {
        if (result is JsonObject o && o["workflowInstanceId"] is JsonValue id && id.TryGetValue<string>(out var childId))
            context.ForgetChildStart(childId);
        context.SetOutput("Result", result?.DeepClone());
        context.Complete(Activity.Done);
    }
}
