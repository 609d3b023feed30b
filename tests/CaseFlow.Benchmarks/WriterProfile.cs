using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CaseFlow.Benchmarks;

/// <summary>
/// Where the single writer's time goes, read from EF Core's DiagnosticListener events, so the server is
/// measured as shipped (no stopwatches patched into CaseWriter). The writer is one sequential loop, so
/// the sums below are shares of one thread's time: transactions / wall clock is its utilisation.
/// </summary>
public sealed class WriterProfile : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IDisposable _allListeners;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentDictionary<DbContext, long> _saveStarted = new();
    private readonly ConcurrentDictionary<Guid, long> _txStarted = new();
    private readonly ConcurrentDictionary<string, (long Count, long Statements, double Ms)> _commands = new();
    private long _saves, _entities, _transactions;
    private double _saveMs, _commitMs, _txMs;
    private long _started = Stopwatch.GetTimestamp();

    public WriterProfile() => _allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public void Reset()
    {
        _commands.Clear();
        _saves = _entities = _transactions = 0;
        _saveMs = _commitMs = _txMs = 0;
        _started = Stopwatch.GetTimestamp();
    }

    public string Report()
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
        var perTx = Math.Max(1, _transactions);
        var lines = new List<string>
        {
            $"writer profile over {wall / 1000:F1} s: {_transactions} transactions, {_saves} SaveChanges, {_entities} entities saved " +
            $"({(double)_entities / Math.Max(1, _saves):F1} per SaveChanges)",
            $"  transaction begin→commit  {_txMs,9:F0} ms  {_txMs / wall,6:P0} of wall clock  {_txMs / perTx,7:F2} ms/tx",
            $"  SaveChanges               {_saveMs,9:F0} ms  {_saveMs / Math.Max(1, _txMs),6:P0} of tx time  {_saveMs / perTx,7:F2} ms/tx",
            $"  COMMIT (fsync)            {_commitMs,9:F0} ms  {_commitMs / Math.Max(1, _txMs),6:P0} of tx time  {_commitMs / perTx,7:F2} ms/tx",
        };
        // Commands EF did not issue (the writer's prepared INSERTs) and the CPU between commands show up only here.
        var outside = _txMs - _commitMs - _commands.Values.Sum(c => c.Ms);
        lines.Add($"  not EF commands/COMMIT    {outside,9:F0} ms  {outside / Math.Max(1, _txMs),6:P0} of tx time  {outside / perTx,7:F2} ms/tx  (prepared INSERTs, CPU between commands)");
        foreach (var (kind, (count, statements, ms)) in _commands.OrderByDescending(c => c.Value.Ms))
            lines.Add($"  {kind,-25} {ms,9:F0} ms  {ms / Math.Max(1, _txMs),6:P0} of tx time  {count,7} commands, {statements} statements, {ms * 1000 / Math.Max(1, count):F0} µs each");
        return string.Join(Environment.NewLine, lines);
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        switch (e.Value)
        {
            case CommandExecutedEventData c:
                var (kind, statements) = Classify(c.Command.CommandText);
                _commands.AddOrUpdate(kind, (1, statements, c.Duration.TotalMilliseconds),
                    (_, v) => (v.Count + 1, v.Statements + statements, v.Ms + c.Duration.TotalMilliseconds));
                break;
            case SaveChangesCompletedEventData s when s.Context is { } ctx && _saveStarted.TryRemove(ctx, out var t0):
                Add(ref _saveMs, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                Interlocked.Increment(ref _saves);
                Interlocked.Add(ref _entities, s.EntitiesSavedCount);
                break;
            case DbContextEventData d when e.Key == CoreEventId.SaveChangesStarting.Name && d.Context is { } ctx:
                _saveStarted[ctx] = Stopwatch.GetTimestamp();
                break;
            case TransactionEndEventData t when e.Key == RelationalEventId.TransactionCommitted.Name:
                Add(ref _commitMs, t.Duration.TotalMilliseconds);
                if (_txStarted.TryRemove(t.TransactionId, out var begun))
                {
                    Add(ref _txMs, Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
                    Interlocked.Increment(ref _transactions);
                }
                break;
            case TransactionEventData t when e.Key == RelationalEventId.TransactionStarted.Name:
                _txStarted[t.TransactionId] = Stopwatch.GetTimestamp();
                break;
        }
    }

    /// <summary>"SELECT RequestRecords", "INSERT Cases", …: the statement kind and first table it names.</summary>
    private static (string Kind, int Statements) Classify(string sql)
    {
        var statements = Math.Max(1, sql.Split(';', StringSplitOptions.RemoveEmptyEntries).Count(s => !string.IsNullOrWhiteSpace(s)));
        var verb = sql.TrimStart().Split([' ', '\n', '\r'], 2)[0].ToUpperInvariant();
        var from = verb == "SELECT" ? sql.IndexOf("FROM \"", StringComparison.OrdinalIgnoreCase) : -1;
        var quote = sql.IndexOf('"', Math.Max(0, from));
        var table = quote >= 0 && sql.IndexOf('"', quote + 1) is var end and > 0 ? sql[(quote + 1)..end] : "";
        return ($"{verb} {table}".Trim(), statements);
    }

    private static void Add(ref double total, double value)
    {
        double seen, sum;
        do { seen = total; sum = seen + value; } while (Interlocked.CompareExchange(ref total, sum, seen) != seen);
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        _allListeners.Dispose();
        lock (_subscriptions) _subscriptions.ForEach(s => s.Dispose());
    }
}
