using System.Collections.Concurrent;
using System.Reflection;

namespace CaseFlow.Workflows.Activities;

public sealed record InputDescriptor(string Name, string TypeName, string DisplayName, string? Description, string? DefaultValue, string UiHint,
    double? Minimum = null, double? Maximum = null, bool WholeNumber = false, IReadOnlyList<string>? Choices = null,
    string? DisplayNameHi = null, string? DescriptionHi = null);

/// <summary>What a designer palette needs to know about an activity type, read from its attributes.</summary>
public sealed record ActivityDescriptor(
    string Type,
    string DisplayName,
    string Category,
    string? Description,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<string> Outcomes,
    bool HasDynamicOutcomes,
    bool IsTrigger,
    bool Waits = false,
    string? DisplayNameHi = null,
    string? DescriptionHi = null)
{
    /// <summary>Set for a published workflow offered as an activity: the definition it runs and the version in force,
    /// which a node dropped from the palette pins.</summary>
    public string? WorkflowDefinitionId { get; init; }
    public int? WorkflowVersion { get; init; }

    private static readonly ConcurrentDictionary<Type, ActivityDescriptor> Cache = new();

    public static ActivityDescriptor For(Type activityType) => Cache.GetOrAdd(activityType, Describe);

    private static ActivityDescriptor Describe(Type t)
    {
        var activity = t.GetCustomAttribute<ActivityAttribute>()
            ?? throw new InvalidOperationException($"{t.FullName} has no [Activity] attribute.");
        var outcomes = t.GetCustomAttribute<OutcomesAttribute>();
        var inputs = t.GetCustomAttributes<InputAttribute>()
            .Select(i => new InputDescriptor(i.Name, i.TypeName, i.DisplayName ?? Humanize(i.Name), i.Description, i.DefaultValue, i.UiHint,
                double.IsNaN(i.Minimum) ? null : i.Minimum, double.IsNaN(i.Maximum) ? null : i.Maximum, i.WholeNumber,
                i.Choices?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), i.DisplayNameHi, i.DescriptionHi))
            .ToList();
        return new ActivityDescriptor(
            activity.Type,
            activity.DisplayName ?? Humanize(activity.Name),
            activity.Category,
            activity.Description,
            inputs,
            outcomes?.Names ?? [Activity.Done],
            outcomes?.Dynamic ?? false,
            activity.IsTrigger,
            activity.Waits || activity.IsTrigger,
            activity.DisplayNameHi,
            activity.DescriptionHi);
    }

    private static string Humanize(string name)
    {
        var chars = new List<char>(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i == 0)
                c = char.ToUpperInvariant(c);
            else if (char.IsUpper(c) && !char.IsUpper(name[i - 1]))
                chars.Add(' ');
            chars.Add(c);
        }
        return new string(chars.ToArray());
    }
}
