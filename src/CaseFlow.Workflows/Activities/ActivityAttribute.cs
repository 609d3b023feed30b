namespace CaseFlow.Workflows.Activities;

/// <summary>Names the Elsa type an activity class implements (<c>Namespace.Name</c>) and how a palette shows it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute(string @namespace, string name) : Attribute
{
    public string Namespace { get; } = @namespace;
    public string Name { get; } = name;
    public string Type => $"{Namespace}.{Name}";
    public string? DisplayName { get; init; }
    public string Category { get; init; } = "Primitives";
    public string? Description { get; init; }
    /// <summary>The name and description in Hindi, for administrators who work in Hindi.</summary>
    public string? DisplayNameHi { get; init; }
    public string? DescriptionHi { get; init; }

    /// <summary>A trigger can start a published workflow on its own (timer, cron, start-at).</summary>
    public bool IsTrigger { get; init; }

    /// <summary>The activity can suspend the instance on a bookmark (a timer, an event): a loop through it
    /// waits each round, a loop without one never does.</summary>
    public bool Waits { get; init; }
}
