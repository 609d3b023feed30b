namespace CaseFlow.Core.Cases;

/// <summary>
/// India Standard Time has been UTC+05:30 without daylight saving since 1945, so a fixed offset is exact
/// and spares hosts without tzdata.
/// </summary>
public static class IndiaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromMinutes(330);

    public static DateTimeOffset ToIst(DateTimeOffset instant) => instant.ToOffset(Offset);
}
