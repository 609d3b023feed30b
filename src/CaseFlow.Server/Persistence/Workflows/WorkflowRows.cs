using CaseFlow.Workflows.Persistence;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Server.Persistence.Workflows;

// Rows are separate from the runtime's records so the runtime stays free of EF, and so columns that only
// the store needs (claim owner, lease) never leak into the engine's types.

public sealed class WorkflowDefinitionRow
{
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; }
    public string? Name { get; set; }
    public string Json { get; set; } = "";
    public bool IsLatest { get; set; }
    public bool IsPublished { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? SavedBy { get; set; }
    public string? PublishedBy { get; set; }
    public string? Note { get; set; }

    public StoredDefinition ToRecord() => new(DefinitionId, Version, Name, Json, IsLatest, IsPublished, CreatedAt, UpdatedAt, PublishedAt, SavedBy, PublishedBy, Note);

    public void CopyFrom(StoredDefinition d)
    {
        DefinitionId = d.DefinitionId;
        Version = d.Version;
        Name = d.Name;
        Json = d.Json;
        IsLatest = d.IsLatest;
        IsPublished = d.IsPublished;
        CreatedAt = d.CreatedAt;
        UpdatedAt = d.UpdatedAt;
        PublishedAt = d.PublishedAt;
        SavedBy = d.SavedBy;
        PublishedBy = d.PublishedBy;
        Note = d.Note;
    }
}

public sealed class WorkflowInstanceRow
{
    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    public string? CorrelationId { get; set; }
    public string? Name { get; set; }
    public WorkflowStatus Status { get; set; }
    public string State { get; set; } = "";
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public InstanceRecord ToRecord() => new(Id, DefinitionId, DefinitionVersion, CorrelationId, Name, Status, State, Version, CreatedAt, UpdatedAt);

    public static WorkflowInstanceRow From(InstanceRecord r) => new()
    {
        Id = r.Id, DefinitionId = r.DefinitionId, DefinitionVersion = r.DefinitionVersion, CorrelationId = r.CorrelationId, Name = r.Name,
        Status = r.Status, State = r.State, Version = r.Version, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt,
    };
}

public sealed class WorkflowBookmarkRow
{
    public string Id { get; set; } = "";
    public BookmarkKind Kind { get; set; }
    public string? InstanceId { get; set; }
    public string DefinitionId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    public string ActivityId { get; set; } = "";
    public string? EventName { get; set; }
    public string? CorrelationId { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public string? Tag { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The engine that claimed this timer or trigger; a claim is only as good as its lease.</summary>
    public string? ClaimOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public Bookmark ToRecord() => new(Id, Kind, InstanceId, DefinitionId, DefinitionVersion, ActivityId, EventName, CorrelationId, DueAt, Tag, CreatedAt);

    public static WorkflowBookmarkRow From(Bookmark b) => new()
    {
        Id = b.Id, Kind = b.Kind, InstanceId = b.InstanceId, DefinitionId = b.DefinitionId, DefinitionVersion = b.DefinitionVersion,
        ActivityId = b.ActivityId, EventName = b.EventName, CorrelationId = b.CorrelationId, DueAt = b.DueAt, Tag = b.Tag, CreatedAt = b.CreatedAt,
    };
}

public sealed class WorkflowStimulusRow
{
    public string Id { get; set; } = "";
    public string EventName { get; set; } = "";
    public string? CorrelationId { get; set; }
    public string? PayloadJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }

    public Stimulus ToRecord() => new(Id, EventName, CorrelationId, PayloadJson, CreatedAt, ExpiresAt);

    public static WorkflowStimulusRow From(Stimulus s) => new()
    {
        Id = s.Id, EventName = s.EventName, CorrelationId = s.CorrelationId, PayloadJson = s.PayloadJson, CreatedAt = s.CreatedAt, ExpiresAt = s.ExpiresAt,
    };
}

/// <summary>
/// The journal of one step in one row: a step writes several entries (started, completed, suspended…) and a row
/// each would make the journal the largest table and the most rows a step writes.
/// <para>
/// Entries are JSON in the form <c>[2, first sequence, UTC ticks, entry…]</c>, where each entry is
/// <c>[ticks since the previous entry?, kind, activity id, activity type, activity name, detail?]</c> with the
/// activity left out when it is the previous entry's. A step runs at one instant and mostly names an activity twice
/// (started, then completed), so the escalation's first step takes 238 bytes here against 504 in the first form
/// (<c>[[sequence, ticks, kind, activity id, type, name, detail], …]</c>), which rows written before 2026-12-07 keep,
/// and which is still read.
/// </para>
/// </summary>
public sealed class WorkflowJournalStepRow
{
    private const int CompactForm = 2;

    // Hindi activity names and messages as UTF-8 (3 bytes a letter), not \uXXXX escapes (6): the text is read back
    // by this class only, never placed in a page.
    private static readonly System.Text.Json.JsonWriterOptions StorageJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string InstanceId { get; set; } = "";

    /// <summary>The step's first entry's sequence; the instance's sequences only advance through version-checked
    /// commits, so a step written twice would collide on the key.</summary>
    public long Sequence { get; set; }

    public string Entries { get; set; } = "";

    public static WorkflowJournalStepRow From(string instanceId, IReadOnlyList<JournalEntry> entries)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(entries.Count * 48);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, StorageJson))
        {
            // The compact form leaves the sequences out: the runtime numbers a step's entries one after another.
            // Should a step ever not, its row keeps them in the first form rather than lose them.
            if (Consecutive(entries)) WriteCompact(json, entries);
            else WriteFirstForm(json, entries);
        }
        return new WorkflowJournalStepRow { InstanceId = instanceId, Sequence = entries[0].Sequence, Entries = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) };
    }

    private static bool Consecutive(IReadOnlyList<JournalEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
            if (entries[i].Sequence != entries[i - 1].Sequence + 1) return false;
        return true;
    }

    private static void WriteCompact(System.Text.Json.Utf8JsonWriter json, IReadOnlyList<JournalEntry> entries)
    {
        json.WriteStartArray();
        json.WriteNumberValue(CompactForm);
        json.WriteNumberValue(entries[0].Sequence);
        json.WriteNumberValue(entries[0].At.UtcTicks);
        JournalEntry? previous = null;
        foreach (var e in entries)
        {
            json.WriteStartArray();
            var ticks = e.At.UtcTicks - (previous ?? e).At.UtcTicks;
            if (ticks != 0) json.WriteNumberValue(ticks);
            json.WriteStringValue(e.Kind.ToString());
            if (e.ActivityId != previous?.ActivityId || e.ActivityType != previous?.ActivityType || e.ActivityName != previous?.ActivityName)
            {
                WriteText(json, e.ActivityId);
                WriteText(json, e.ActivityType);
                WriteText(json, e.ActivityName);
            }
            if (e.Detail is not null) json.WriteStringValue(e.Detail);
            json.WriteEndArray();
            previous = e;
        }
        json.WriteEndArray();
    }

    private static void WriteFirstForm(System.Text.Json.Utf8JsonWriter json, IReadOnlyList<JournalEntry> entries)
    {
        json.WriteStartArray();
        foreach (var e in entries)
        {
            json.WriteStartArray();
            json.WriteNumberValue(e.Sequence);
            json.WriteNumberValue(e.At.UtcTicks);
            json.WriteStringValue(e.Kind.ToString());
            WriteText(json, e.ActivityId);
            WriteText(json, e.ActivityType);
            WriteText(json, e.ActivityName);
            WriteText(json, e.Detail);
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    public IEnumerable<JournalEntry> ToRecords()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(Entries);
        var root = doc.RootElement;
        var list = new List<JournalEntry>();
        if (root.GetArrayLength() > 0 && root[0].ValueKind == System.Text.Json.JsonValueKind.Number)
        {
            var sequence = root[1].GetInt64();
            var ticks = root[2].GetInt64();
            JournalEntry? previous = null;
            foreach (var e in root.EnumerateArray().Skip(3))
            {
                var i = 0;
                if (e[0].ValueKind == System.Text.Json.JsonValueKind.Number) ticks += e[i++].GetInt64();
                var kind = Enum.Parse<JournalKind>(e[i++].GetString()!);
                // After the kind: nothing or a detail (the previous activity), or the activity's three fields and maybe a detail.
                var rest = e.GetArrayLength() - i;
                var (id, type, name) = rest >= 3 ? (Text(e[i]), Text(e[i + 1]), Text(e[i + 2])) : (previous?.ActivityId, previous?.ActivityType, previous?.ActivityName);
                var detail = rest is 1 or 4 ? Text(e[i + rest - 1]) : null;
                previous = new JournalEntry(InstanceId, sequence++, new DateTimeOffset(ticks, TimeSpan.Zero), kind, id, type, name, detail);
                list.Add(previous);
            }
            return list;
        }
        foreach (var e in root.EnumerateArray())
        {
            list.Add(new JournalEntry(InstanceId, e[0].GetInt64(), new DateTimeOffset(e[1].GetInt64(), TimeSpan.Zero),
                Enum.Parse<JournalKind>(e[2].GetString()!), Text(e[3]), Text(e[4]), Text(e[5]), Text(e[6])));
        }
        return list;
    }

    private static void WriteText(System.Text.Json.Utf8JsonWriter json, string? value)
    {
        if (value is null) json.WriteNullValue();
        else json.WriteStringValue(value);
    }

    private static string? Text(System.Text.Json.JsonElement e) => e.ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.GetString();
}

public sealed class WorkflowIncidentRow
{
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public string? ActivityName { get; set; }
    public string ExceptionType { get; set; } = "";
    public string Message { get; set; } = "";
    public string? StackTrace { get; set; }
    public DateTimeOffset At { get; set; }

    public Incident ToRecord() => new(Id, InstanceId, ActivityId, ActivityType, ActivityName, ExceptionType, Message, StackTrace, At);

    public static WorkflowIncidentRow From(Incident i) => new()
    {
        Id = i.Id, InstanceId = i.InstanceId, ActivityId = i.ActivityId, ActivityType = i.ActivityType, ActivityName = i.ActivityName,
        ExceptionType = i.ExceptionType, Message = i.Message, StackTrace = i.StackTrace, At = i.At,
    };
}
