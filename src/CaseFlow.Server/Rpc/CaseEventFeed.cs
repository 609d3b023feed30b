using System.Globalization;
using CaseFlow.Api.V1;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Persistence;
using Microsoft.Extensions.Options;
using static CaseFlow.Server.Rpc.ProtoHelpers;
using ApiCaseEvent = CaseFlow.Api.V1.CaseEvent;
using DomainCaseEvent = CaseFlow.Core.Cases.CaseEvent;

namespace CaseFlow.Server.Rpc;

/// <summary>
/// Streams the append-only case events to watchers. The event id is the resume position, so a client that
/// reconnects with its last token gets every later event exactly once. New commits wake the stream at once;
/// a one-second poll catches events another replica committed.
/// </summary>
public sealed class CaseEventFeed(ICaseStore store, CommitSignal commits, WatchOptions options, TimeProvider time)
{
    private const int BatchSize = 500;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public async Task StreamAsync(EventQuery query, string resumeToken, Func<WatchCaseEventsResponse, Task> write, CancellationToken ct)
    {
        var last = await StartPositionAsync(resumeToken, options.ResumeWindow, ct);
        // Heartbeats keep a connection alive, so they run on elapsed real time (monotonic), not on the business
        // clock: a business clock that is set or stood still (a test's, an operator's) must not stop them.
        var lastSent = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            // Taken before the query, so a commit landing between the query and the wait still wakes us.
            var nextCommit = commits.Next;
            var events = await store.EventsAfterAsync(query, last, BatchSize, ct);
            foreach (var e in events)
            {
                await write(new WatchCaseEventsResponse { Event = ToProto(e) });
                last = e.Position;
            }
            if (events.Count > 0)
            {
                lastSent = System.Diagnostics.Stopwatch.GetTimestamp();
                if (events.Count == BatchSize) continue;
            }
            var untilHeartbeat = options.HeartbeatInterval - System.Diagnostics.Stopwatch.GetElapsedTime(lastSent);
            if (untilHeartbeat <= TimeSpan.Zero)
            {
                await write(new WatchCaseEventsResponse
                {
                    Heartbeat = new Heartbeat { Time = ToTimestamp(time.GetUtcNow()), ResumeToken = Token(last) },
                });
                lastSent = System.Diagnostics.Stopwatch.GetTimestamp();
                continue;
            }
            try
            {
                await Task.WhenAny(nextCommit, Task.Delay(untilHeartbeat < Poll ? untilHeartbeat : Poll, ct));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<EventPosition> StartPositionAsync(string token, TimeSpan window, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
            return await store.LatestEventPositionAsync(ct);
        var position = ParseToken(token);
        // A position before any event (the start, which a heartbeat on an empty history carries, or the point
        // before a transaction that a history gives for an event not yet final) is honoured while what it would
        // replay is inside the window, like any other position.
        var e = position.Id == 0
            ? (await store.EventsAfterAsync(new EventQuery(null, null, null), position, 1, ct)).FirstOrDefault()
            : await store.FindEventAsync(position.Id, ct) is { } found && found.Position == position
                ? found
                : throw new CaseFlowException(ErrorKind.FailedPrecondition, "RESUME_TOKEN_UNKNOWN",
                    "The resume token does not name an event this server recorded; read the cases afresh (ListCases) and watch from now.");
        if (e is not null && e.Event.At < time.GetUtcNow() - window)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "RESUME_TOKEN_EXPIRED",
                $"The resume token reaches back to {e.Event.At:u}, beyond the {window.TotalDays:0.#}-day resume window; read the cases afresh (ListCases) and watch from now.");
        return position;
    }

    public static ApiCaseEvent ToProto(PositionedEvent positioned)
    {
        var proto = ToProto(positioned.Event);
        proto.ResumeToken = Token(positioned.Position);
        return proto;
    }

    private static ApiCaseEvent ToProto(DomainCaseEvent e) => new()
    {
        Case = CaseNames.Format(e.Department, e.CaseNumber),
        Department = e.Department,
        Type = e.Type.ToString(),
        EventTime = ToTimestamp(e.At),
        ActorSystem = e.ActorSystem,
        ActorPost = e.ActorPost ?? "",
        Text = e.Text ?? "",
        Etag = e.CaseVersion.ToString(CultureInfo.InvariantCulture),
    };

    // e1:{id} where ids are the commit order (SQLite); e2:{transaction}:{id} where replicas commit side by side.
    private static string Token(EventPosition p) =>
        Base64Url(p.Commit == 0 ? $"e1:{p.Id}" : $"e2:{p.Commit}:{p.Id}");

    private static EventPosition ParseToken(string token)
    {
        try
        {
            var parts = FromBase64Url(token).Split(':');
            static bool Number(string s, out long n) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);
            if (parts is ["e1", var a] && Number(a, out var id))
                return new EventPosition(0, id);
            if (parts is ["e2", var t, var b] && Number(t, out var tx) && tx > 0 && Number(b, out var id2))
                return new EventPosition(tx, id2);
        }
        catch (FormatException) { }
        throw CaseFlowException.Invalid("resume_token", "is not a resume token this server issued.");
    }
}
