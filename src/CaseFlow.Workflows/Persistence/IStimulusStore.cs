using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Persistence;

/// <summary>Events that arrived before a bookmark waited for them. Consumed (deleted) by the commit
/// that delivers them (<see cref="WorkflowCommit.ConsumedStimulusIds"/>).</summary>
public interface IStimulusStore
{
    ValueTask AddAsync(Stimulus stimulus, CancellationToken cancellationToken = default);

    /// <summary>Oldest first.</summary>
    ValueTask<IReadOnlyList<Stimulus>> FindAsync(string eventName, string? correlationId, CancellationToken cancellationToken = default);

    /// <summary>Deletes stimuli whose <c>ExpiresAt</c> has passed; returns how many.</summary>
    ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
