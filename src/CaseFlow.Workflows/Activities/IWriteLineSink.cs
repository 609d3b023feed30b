namespace CaseFlow.Workflows.Activities;

/// <summary>Where <c>Elsa.WriteLine</c> writes; resolved from the engine's service provider.</summary>
public interface IWriteLineSink
{
    void WriteLine(string instanceId, string activityId, string text);
}

public sealed class ConsoleWriteLineSink : IWriteLineSink
{
    public static ConsoleWriteLineSink Instance { get; } = new();

    public void WriteLine(string instanceId, string activityId, string text) => Console.WriteLine(text);
}
