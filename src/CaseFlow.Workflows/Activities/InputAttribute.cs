namespace CaseFlow.Workflows.Activities;

/// <summary>Declares one input (the camelCase property Elsa writes on the activity).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute(string name, string typeName) : Attribute
{
    public string Name { get; } = name;
    public string TypeName { get; } = typeName;
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    /// <summary>The name and description in Hindi, for administrators who work in Hindi.</summary>
    public string? DisplayNameHi { get; init; }
    public string? DescriptionHi { get; init; }
    public string? DefaultValue { get; init; }

    /// <summary>The designer editor to use: see <see cref="UiHints"/>.</summary>
    public string UiHint { get; init; } = UiHints.String;

    /// <summary>The smallest value a number input accepts (NaN: no bound); checked on save and publish.</summary>
    public double Minimum { get; init; } = double.NaN;

    /// <summary>The largest value a number input accepts (NaN: no bound).</summary>
    public double Maximum { get; init; } = double.NaN;

    /// <summary>For a number input: whole numbers only (a working-day count, a follow-up count).</summary>
    public bool WholeNumber { get; init; }

    /// <summary>The values a choice input accepts, comma-separated; the designer offers them, validation enforces them.</summary>
    public string? Choices { get; init; }
}

public static class UiHints
{
    public const string String = "string";
    public const string Multiline = "multiline";
    public const string Duration = "duration";
    public const string DateTime = "datetime";
    public const string Cron = "cron";
    public const string JavaScript = "javascript";
    public const string Checkbox = "checkbox";
    public const string Dropdown = "dropdown";
    public const string StringList = "string-list";
    public const string Cases = "cases";
    public const string Variable = "variable";
    public const string Json = "json";
    /// <summary>The id of one of the host's calendars; the host lists them as the input's choices.</summary>
    public const string Calendar = "calendar";
    /// <summary>A fraction from 0 to 1, edited and shown as a percentage.</summary>
    public const string Share = "share";
}
