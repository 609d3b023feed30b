using CaseFlow.Workflows.Model;

namespace CaseFlow.Workflows.Validation;

/// <summary>
/// A rule of the host's domain over a whole definition (the engine knows no case; the host's rules do), run by the
/// validator after its own checks, for drafts and publishes alike. An error from a rule refuses a publish like any other.
/// </summary>
public interface IDefinitionRule
{
    IEnumerable<ValidationIssue> Check(WorkflowDefinition definition, DefinitionShape shape, ValidationPurpose purpose);
}

/// <summary>The graph of a definition as the runtime reads it: where it starts, what the start reaches, what leaves each activity.</summary>
public sealed class DefinitionShape
{
    private readonly IReadOnlyDictionary<string, List<Connection>> _from;

    internal DefinitionShape(ActivityNode? start, IReadOnlySet<string> reachable, IReadOnlyDictionary<string, List<Connection>> from)
    {
        Start = start;
        Reachable = reachable;
        _from = from;
    }

    /// <summary>The activity a new instance starts at (Elsa's choice); null when there is none.</summary>
    public ActivityNode? Start { get; }

    /// <summary>Ids of the activities the start reaches.</summary>
    public IReadOnlySet<string> Reachable { get; }

    /// <summary>The connections leaving an activity that the runtime would follow (both ends exist).</summary>
    public IReadOnlyList<Connection> From(string activityId) => _from.TryGetValue(activityId, out var list) ? list : [];
}
