using System.Globalization;
using CaseFlow.Api.V1;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using CaseFlow.Server.Hosting;
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
public sealed class CaseEventFeed(ICaseStore store, CaseWriter writer, IOptions<CaseFlowOptions> options, TimeProvider time)
{
    private const int BatchSize = 500;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public async Task StreamAsync(EventQuery query, string resumeToken, Func<WatchCaseEventsResponse, Task> write, CancellationToken ct)
    {
        var watch = options.Value.Watch;
        var last = await StartPositionAsync(resumeToken, watch.ResumeWindow, ct);
        var lastSent = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            // Taken before the query, so a commit landing between the query and the wait still wakes us.
            var nextCommit = writer.NextCommit;
            var events = await store.EventsAfterAsync(query, last, BatchSize, ct);
            foreach (var e in events)
            {
                await write(new WatchCaseEventsResponse { Event = ToProto(e) });
                last = e.Id;
            }
            if (events.Count > 0)
            {
                lastSent = DateTime.UtcNow;
                if (events.Count == BatchSize) continue;
            }
            var untilHeartbeat = watch.HeartbeatInterval - (DateTime.UtcNow - lastSent);
            if (untilHeartbeat <= TimeSpan.Zero)
            {
                await write(new WatchCaseEventsResponse
                {
                    Heartbeat = new Heartbeat { Time = ToTimestamp(time.GetUtcNow()), ResumeToken = Token(last) },
                });
                lastSent = DateTime.UtcNow;
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

    private async Task<long> StartPositionAsync(string token, TimeSpan window, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
            return await LatestIdAsync(ct);
        var id = ParseToken(token);
        // Position 0 ("before the first event") is what a heartbeat on an empty history carries; it is
        // honoured only while the whole history is inside the window, like any other position.
        var e = id == 0
            ? (await store.EventsAfterAsync(new EventQuery(null, null, null), 0, 1, ct)).FirstOrDefault()
            : await store.FindEventAsync(id, ct)
              ?? throw new CaseFlowException(ErrorKind.FailedPrecondition, "RESUME_TOKEN_UNKNOWN",
                  "The resume token does not name an event this server recorded; read the cases afresh (ListCases) and watch from now.");
        if (e is not null && e.At < time.GetUtcNow() - window)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "RESUME_TOKEN_EXPIRED",
                $"The resume token reaches back to {e.At:u}, beyond the {window.TotalDays:0.#}-day resume window; read the cases afresh (ListCases) and watch from now.");
        return id;
    }

    private async Task<long> LatestIdAsync(CancellationToken ct)
    {
        return await store.LatestEventIdAsync(ct);
    }

    public static ApiCaseEvent ToProto(DomainCaseEvent e) => new()
    {
        ResumeToken = Token(e.Id),
        Case = CaseNames.Format(e.Department, e.CaseNumber),
        Department = e.Department,
        Type = e.Type.ToString(),
        EventTime = ToTimestamp(e.At),
        ActorSystem = e.ActorSystem,
        ActorPost = e.ActorPost ?? "",
        Text = e.Text ?? "",
        Etag = e.CaseVersion.ToString(CultureInfo.InvariantCulture),
    };

    private static string Token(long id) =>
        Base64Url($"e1:{id}");

    private static long ParseToken(string token)
    {
        try
        {
            var text = FromBase64Url(token);
            if (text.StartsWith("e1:", StringComparison.Ordinal) && long.TryParse(text[3..], CultureInfo.InvariantCulture, out var id) && id >= 0)
                return id;
        }
        catch (FormatException) { }
        throw CaseFlowException.Invalid("resume_token", "is not a resume token this server issued.");
    }
}
