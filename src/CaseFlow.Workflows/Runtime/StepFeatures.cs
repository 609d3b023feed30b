namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// Domain state handed to one step by its host, typed by class: the case a case workflow acts on, read once
/// for the whole step (or for a batch of steps at once) instead of once per activity. Activities read it with
/// <see cref="ActivityExecutionContext.Features"/>; a feature that is also an <see cref="IStepEffect"/> goes
/// into the step's commit, so the host writes what the step changed in the same transaction.
/// </summary>
public sealed class StepFeatures
{
    private readonly Dictionary<Type, object> _items = [];

    public static StepFeatures Of<T>(T feature) where T : class => new StepFeatures().With(feature);

    public StepFeatures With<T>(T feature) where T : class
    {
        _items[typeof(T)] = feature;
        return this;
    }

    public T? Get<T>() where T : class => _items.TryGetValue(typeof(T), out var f) ? (T)f : null;

    internal IEnumerable<IStepEffect> Effects => _items.Values.OfType<IStepEffect>();
}

/// <summary>A change a step makes outside the workflow's own rows (a case row and its events), written by the
/// host in the step's transaction. The engine carries these and does not look inside.</summary>
public interface IStepEffect;

/// <summary>Loads the features of many steps at once: one query for the cases of a whole batch of due timers.</summary>
public interface IStepFeatureSource
{
    /// <returns>Features by instance id; instances without domain state are simply absent.</returns>
    ValueTask<IReadOnlyDictionary<string, StepFeatures>> LoadAsync(IReadOnlyList<Persistence.InstanceRecord> instances, CancellationToken cancellationToken);
}
