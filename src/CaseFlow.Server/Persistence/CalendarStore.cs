using CaseFlow.Core.Calendars;
using CaseFlow.Core.Errors;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// Working-day calendars in memory (every SLA timer reads one), versioned in the database. The seed files
/// (seed/calendars/*.json) fill an empty database; holidays added later are new versions.
/// </summary>
public sealed class CalendarStore(CaseFlowDatabase database, PersistenceOptions options, TimeProvider time, ILogger<CalendarStore> log)
    : ICalendarProvider
{
    private readonly SemaphoreSlim _changeLock = new(1, 1);
    private volatile Dictionary<string, WorkingCalendar> _calendars = new(StringComparer.Ordinal);

    public IReadOnlyList<WorkingCalendar> All => _calendars.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();

    public WorkingCalendar Get(string id) =>
        _calendars.GetValueOrDefault(id) ?? throw CaseFlowException.NotFound("Calendar", id);

    public async Task LoadAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var loaded = new Dictionary<string, WorkingCalendar>(StringComparer.Ordinal);
        var stored = await db.CalendarVersions.GroupBy(v => v.CalendarId).Select(g => g.OrderByDescending(v => v.Id).First()).ToListAsync(ct);
        foreach (var version in stored)
            loaded[version.CalendarId] = WorkingCalendar.Parse(version.Json);
        var folder = Path.Combine(options.SeedDirectory, "calendars");
        foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [])
        {
            var calendar = WorkingCalendar.Parse(await File.ReadAllTextAsync(file, ct));
            if (loaded.ContainsKey(calendar.Id)) continue;
            db.CalendarVersions.Add(new CalendarVersion { CalendarId = calendar.Id, CreatedAt = time.GetUtcNow(), CreatedBy = "seed:" + Path.GetFileName(file), Json = calendar.Serialize() });
            loaded[calendar.Id] = calendar;
            log.LogInformation("Seeded calendar {Calendar} from {File} ({Holidays} holidays)", calendar.Id, file, calendar.Holidays.Count);
        }
        await db.SaveChangesAsync(ct);
        _calendars = loaded;
    }

    public async Task<WorkingCalendar> AddHolidayAsync(string calendarId, Holiday holiday, string by, CancellationToken ct)
    {
        await _changeLock.WaitAsync(ct);
        try
        {
            var next = Get(calendarId).WithHoliday(holiday);
            await using var db = database.CreateContext();
            db.CalendarVersions.Add(new CalendarVersion { CalendarId = calendarId, CreatedAt = time.GetUtcNow(), CreatedBy = by, Json = next.Serialize() });
            await db.SaveChangesAsync(ct);
            _calendars = new Dictionary<string, WorkingCalendar>(_calendars, StringComparer.Ordinal) { [calendarId] = next };
            log.LogInformation("{By} added holiday {Date} ({Name}) to calendar {Calendar}", by, holiday.Date, holiday.Name, calendarId);
            return next;
        }
        finally
        {
            _changeLock.Release();
        }
    }
}
