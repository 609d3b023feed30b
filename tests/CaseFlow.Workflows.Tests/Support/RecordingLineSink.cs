using CaseFlow.Workflows.Activities;

namespace CaseFlow.Workflows.Tests.Support;

public sealed class RecordingLineSink : IWriteLineSink
{
    private readonly Lock _lock = new();
    private readonly List<(string InstanceId, string ActivityId, string Text)> _lines = [];

    public void WriteLine(string instanceId, string activityId, string text)
    {
        lock (_lock)
            _lines.Add((instanceId, activityId, text));
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
                return _lines.Select(l => l.Text).ToList();
        }
    }

    public IReadOnlyList<string> LinesOf(string instanceId)
    {
        lock (_lock)
            return _lines.Where(l => l.InstanceId == instanceId).Select(l => l.Text).ToList();
    }

    public IReadOnlyList<string> InstanceIds
    {
        get
        {
            lock (_lock)
                return _lines.Select(l => l.InstanceId).Distinct().ToList();
        }
    }
}
