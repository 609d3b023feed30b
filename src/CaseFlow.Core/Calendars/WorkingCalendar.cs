using System.Text.Json;
using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Calendars;

public sealed record Holiday(DateOnly Date, string Name, string? NameHi);

/// <summary>
/// Working days of a government office in India: weekly offs, the second Saturday where the state keeps
/// it, and gazetted holidays. Days are counted in IST; instants stay in UTC.
/// </summary>
public sealed class WorkingCalendar
{
    private readonly HashSet<DateOnly> _holidays;

    public WorkingCalendar(string id, string name, IEnumerable<DayOfWeek> weeklyOffs, bool secondSaturdayOff, IEnumerable<Holiday> holidays)
    {
        Id = id;
        Name = name;
        WeeklyOffs = weeklyOffs.ToHashSet();
        SecondSaturdayOff = secondSaturdayOff;
        Holidays = holidays.OrderBy(h => h.Date).ToArray();
        _holidays = Holidays.Select(h => h.Date).ToHashSet();
    }

    public string Id { get; }
    public string Name { get; }
    public IReadOnlySet<DayOfWeek> WeeklyOffs { get; }
    public bool SecondSaturdayOff { get; }
    public IReadOnlyList<Holiday> Holidays { get; }

    public bool IsWorkingDay(DateOnly day) =>
        !WeeklyOffs.Contains(day.DayOfWeek)
        && !(SecondSaturdayOff && day.DayOfWeek == DayOfWeek.Saturday && (day.Day - 1) / 7 == 1)
        && !_holidays.Contains(day);

    /// <summary>
    /// The same IST time of day on the <paramref name="days"/>-th working day after the start's date: a
    /// complaint registered on Friday at 15:00 with one working day is due Monday at 15:00 (Tuesday if
    /// Monday is a holiday). Registration on a holiday counts from the next working day the same way.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var local = IndiaTime.ToIst(start);
        var day = DateOnly.FromDateTime(local.DateTime);
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) counted++;
        }
        return new DateTimeOffset(day.ToDateTime(TimeOnly.FromDateTime(local.DateTime)), IndiaTime.Offset).ToUniversalTime();
    }

    public WorkingCalendar WithHoliday(Holiday holiday) =>
        new(Id, Name, WeeklyOffs, SecondSaturdayOff, Holidays.Where(h => h.Date != holiday.Date).Append(holiday));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static WorkingCalendar Parse(string json)
    {
        var f = JsonSerializer.Deserialize<CalendarFile>(json, Json) ?? throw new InvalidDataException("The calendar file is empty.");
        return new WorkingCalendar(f.Id, f.Name ?? f.Id,
            (f.WeeklyOffs ?? ["Sunday"]).Select(d => Enum.Parse<DayOfWeek>(d, ignoreCase: true)),
            f.SecondSaturdayOff, (f.Holidays ?? []).Select(h => new Holiday(DateOnly.Parse(h.Date, System.Globalization.CultureInfo.InvariantCulture), h.Name, h.NameHi)));
    }

    public string Serialize() => JsonSerializer.Serialize(new CalendarFile(Id, Name, "Asia/Kolkata",
        WeeklyOffs.Order().Select(d => d.ToString()).ToList(), SecondSaturdayOff,
        Holidays.Select(h => new HolidayFile(h.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), h.Name, h.NameHi)).ToList()), Json);

    private sealed record CalendarFile(string Id, string? Name, string? TimeZone, List<string>? WeeklyOffs, bool SecondSaturdayOff, List<HolidayFile>? Holidays);

    private sealed record HolidayFile(string Date, string Name, string? NameHi);
}

/// <summary>The calendars in force, by id (e.g. "uttarakhand").</summary>
public interface ICalendarProvider
{
    /// <summary>The state government's calendar: the one an SLA timer or a request that names none uses.</summary>
    const string DefaultId = "uttarakhand";

    WorkingCalendar Get(string id);

    IReadOnlyList<WorkingCalendar> All { get; }
}
