using System.Globalization;
using System.Text.RegularExpressions;

namespace CaseFlow.Workflows.Validation;

/// <summary>Durations for people: "1 day 6 hours" instead of "1.06:00:00", and the check that catches
/// <c>"72:00:00"</c>, which <see cref="TimeSpan.Parse(string)"/> (and so Elsa) reads as 72 days.</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^\s*-?(?<h>\d+):(?<m>\d+)(?::(?<s>\d+)(?:\.(?<f>\d+))?)?\s*$")]
    private static partial Regex HoursFirst();

    public static string Describe(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
            return "0 seconds";
        var negative = value < TimeSpan.Zero;
        if (negative)
            value = value.Negate();
        var parts = new List<string>();
        Add(parts, value.Days, "day");
        Add(parts, value.Hours, "hour");
        Add(parts, value.Minutes, "minute");
        Add(parts, value.Seconds, "second");
        if (parts.Count == 0)
            Add(parts, value.Milliseconds, "millisecond");
        var text = string.Join(" ", parts);
        return negative ? "minus " + text : text;
    }

    /// <summary>The <c>d.hh:mm:ss</c> form Elsa reads as intended.</summary>
    public static string Format(TimeSpan value) => value.ToString(value.Ticks % TimeSpan.TicksPerSecond == 0 ? @"d\.hh\:mm\:ss" : "c", CultureInfo.InvariantCulture);

    /// <summary>
    /// True when the text has no day part and an hours field of 24 or more ("72:00:00"): the writer meant
    /// hours, .NET reads days. <paramref name="intended"/> is what the writer most likely meant.
    /// </summary>
    public static bool IsAmbiguous(string text, out TimeSpan intended)
    {
        intended = default;
        var m = HoursFirst().Match(text);
        if (!m.Success)
            return false;
        var hours = long.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minutes = long.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
        var seconds = m.Groups["s"].Success ? long.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        if (hours < 24 && minutes < 60 && seconds < 60)
            return false;
        intended = TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(seconds);
        if (text.TrimStart().StartsWith('-'))
            intended = intended.Negate();
        return true;
    }

    private static void Add(List<string> parts, int amount, string unit)
    {
        if (amount != 0)
            parts.Add(amount == 1 ? $"1 {unit}" : $"{amount} {unit}s");
    }
}
