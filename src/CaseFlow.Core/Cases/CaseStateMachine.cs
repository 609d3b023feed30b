using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Cases;

/// <summary>
/// Which transitions are legal. It holds whatever workflow runs and whichever system calls: a case is
/// never closed by its officer, only moved to Resolved to await the complainant.
/// </summary>
public static class CaseStateMachine
{
    private static readonly CaseStatus[] Workable = [CaseStatus.Registered, CaseStatus.InProgress, CaseStatus.Reopened];

    public static void AddNote(Case c, DateTimeOffset now, string text, bool interimReply, DateTimeOffset? expectedResolution)
    {
        if (c.Status.IsTerminal())
            throw Refuse(c, "add a note to");
        if (interimReply)
        {
            if (c.Status is CaseStatus.Resolved)
                throw Refuse(c, "send an interim reply on");
            if (expectedResolution is null)
                throw CaseFlowException.Invalid("expected_resolution_time", "is required for an interim reply.");
            if (expectedResolution <= now)
                throw CaseFlowException.Invalid("expected_resolution_time", "must be in the future.");
            c.InterimReplyText = text;
            c.InterimReplyExpectedAt = expectedResolution;
            c.InterimReplyAt = now;
        }
        if (c.Status is CaseStatus.Registered or CaseStatus.Reopened)
            c.Status = CaseStatus.InProgress;
        Touch(c, now);
    }

    public static void Resolve(Case c, DateTimeOffset now, string resolution)
    {
        if (!Workable.Contains(c.Status))
            throw Refuse(c, "resolve");
        c.Status = CaseStatus.Resolved;
        c.Resolution = resolution;
        Touch(c, now);
    }

    public static void CheckEtag(Case c, string? etag)
    {
        if (!string.IsNullOrEmpty(etag) && etag != c.Etag)
            throw new CaseFlowException(ErrorKind.Aborted, "ETAG_MISMATCH",
                $"Case {c.Number} has changed since etag {etag} was read (it is now {c.Etag}); read it again and retry.",
                metadata: new Dictionary<string, string> { ["current_etag"] = c.Etag });
    }

    private static void Touch(Case c, DateTimeOffset now)
    {
        c.UpdatedAt = now;
        c.Version++;
    }

    private static CaseFlowException Refuse(Case c, string action) =>
        new(ErrorKind.FailedPrecondition, "INVALID_TRANSITION",
            $"Cannot {action} case {c.Number}: it is {c.Status}.",
            metadata: new Dictionary<string, string> { ["status"] = c.Status.ToString(), ["action"] = action });
}
