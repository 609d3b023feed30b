using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Runtime;

/// <summary>Published workflows that other workflows use as activities (Elsa's <c>options.usableAsActivity</c>).</summary>
public interface IWorkflowActivitySource
{
    /// <summary>
    /// The definition and version an activity node runs, or null when its type names no workflow usable as an activity.
    /// The node's own <c>version</c> is kept to while that version was published (a parent pins the child it was
    /// designed with), else the version in force is used, as Elsa falls back.
    /// </summary>
    ValueTask<(WorkflowDefinition Definition, int Version)?> ResolveAsync(ActivityNode node, CancellationToken cancellationToken);

    /// <summary>A version a running instance started its child on.</summary>
    Task<WorkflowDefinition> LoadAsync(string definitionId, int version, CancellationToken cancellationToken);
}
