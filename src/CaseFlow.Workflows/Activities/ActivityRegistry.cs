using System.Reflection;

namespace CaseFlow.Workflows.Activities;

/// <summary>
/// The activity types the runtime can run, registered one by one (no assembly scanning) so the set is
/// obvious from the composition code. Other projects add theirs with <see cref="Register{T}()"/>.
/// </summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, (Activity Activity, ActivityDescriptor Descriptor)> _byType = new(StringComparer.Ordinal);

    public ActivityRegistry Register<T>() where T : Activity, new() => Register(new T());

    public ActivityRegistry Register(Activity activity)
    {
        var attribute = activity.GetType().GetCustomAttribute<ActivityAttribute>()
            ?? throw new InvalidOperationException($"{activity.GetType().FullName} has no [Activity] attribute.");
        var descriptor = ActivityDescriptor.For(activity.GetType());
        if (!_byType.TryAdd(attribute.Type, (activity, descriptor)))
            throw new InvalidOperationException($"Activity type '{attribute.Type}' is registered twice.");
        return this;
    }

    public bool IsKnown(string type) => _byType.ContainsKey(type);

    public Activity? Find(string type) => _byType.TryGetValue(type, out var entry) ? entry.Activity : null;

    public ActivityDescriptor? Describe(string type) => _byType.TryGetValue(type, out var entry) ? entry.Descriptor : null;

    /// <summary>
    /// The output ports of one activity in a definition: its type's outcomes, or for a type whose outcomes come
    /// from its inputs (FlowSwitch cases, FlowFork branches) the ones this node declares. Empty for an unknown type.
    /// </summary>
    public IReadOnlyList<string> PortsOf(Model.ActivityNode node) =>
        _byType.TryGetValue(node.Type, out var entry)
            ? entry.Descriptor.HasDynamicOutcomes ? entry.Activity.GetOutcomes(node) : entry.Descriptor.Outcomes
            : [];

    public IReadOnlyList<ActivityDescriptor> Descriptors =>
        _byType.Values.Select(v => v.Descriptor).OrderBy(d => d.Category).ThenBy(d => d.DisplayName).ToList();

    /// <summary>A registry holding every built-in Elsa activity CaseFlow runs.</summary>
    public static ActivityRegistry CreateWithBuiltIns() => new ActivityRegistry()
        .Register<Start>()
        .Register<End>()
        .Register<Finish>()
        .Register<Fault>()
        .Register<WriteLine>()
        .Register<SetVariable>()
        .Register<SetOutput>()
        .Register<Complete>()
        .Register<RunJavaScript>()
        .Register<ExecuteWorkflow>()
        .Register<DispatchWorkflow>()
        .Register<Break>()
        .Register<SetName>()
        .Register<Correlate>()
        .Register<FlowDecision>()
        .Register<FlowSwitch>()
        .Register<FlowFork>()
        .Register<FlowJoin>()
        .Register<Delay>()
        .Register<Timer>()
        .Register<StartAt>()
        .Register<Cron>()
        .Register<Event>()
        .Register<PublishEvent>();
}
