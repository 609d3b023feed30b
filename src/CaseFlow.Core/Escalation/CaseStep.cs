using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Escalation;

/// <summary>
/// The case as one workflow step sees and changes it: read once for the whole step (for a batch of due
/// timers, once for the whole batch), changed by each <see cref="CaseEffect"/> the moment an activity makes
/// it, so later activities of the step see the new level or due time, and written once, with the step.
/// </summary>
public sealed class CaseStep : IStepEffect
{
    private readonly List<CaseEvent> _events = [];

    /// <param name="ownedByCaller">The case row belongs to the caller's own transaction (registered or changed in
    /// it): the caller writes the row and the step's events with it. Otherwise the step's commit writes them,
    /// refused if the case moved on since <see cref="LoadedVersion"/>.</param>
    public CaseStep(Case c, bool ownedByCaller)
    {
        Case = c;
        LoadedVersion = c.Version;
        OwnedByCaller = ownedByCaller;
        Loaded = ownedByCaller ? null : c.Snapshot();
    }

    public Case Case { get; }

    /// <summary>The case as read, for a writer to write only what the step changed; null when the caller owns the row.</summary>
    public Case? Loaded { get; }

    /// <summary>The case's version when the step read it: the commit's concurrency check.</summary>
    public int LoadedVersion { get; }

    public bool OwnedByCaller { get; }

    /// <summary>What the step did to the case, in order; empty when it did nothing.</summary>
    public IReadOnlyList<CaseEvent> Events => _events;

    public bool Changed => _events.Count > 0;

    /// <summary>Applies a change through the state rules, once; an effect the case has moved past does nothing.</summary>
    public void Apply(CaseEffect effect, DirectorySnapshot directory, DateTimeOffset now)
    {
        if (effect.CaseNumber != Case.Number)
            throw new InvalidOperationException($"An effect for case {effect.CaseNumber} reached the step of case {Case.Number}.");
        _events.AddRange(effect.Apply(Case, directory, now));
    }
}
