namespace CaseFlow.Workflows.Tests.Support;

/// <summary>A stand-in for Core's calendar: only weekends are off.</summary>
public interface IWorkingCalendar
{
    DateTimeOffset AddWorkingDays(DateTimeOffset from, int days);
}

public sealed class WeekdayCalendar : IWorkingCalendar
{
    public DateTimeOffset AddWorkingDays(DateTimeOffset from, int days)
    {
        var at = from;
        while (days > 0)
        {
            at = at.AddDays(1);
            if (at.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                days--;
        }
        return at;
    }
}
