namespace CaseFlow.Server.Persistence.Migrations;

/// <summary>
/// Gives events recorded before they carried the case's status and last action what can be known of them: the
/// status an event type always leaves behind, and the event's own time for the officer actions. Events whose outcome
/// depends on the case (a rejected proposal, an escalation) keep NULL, which the history reads as "unchanged".
/// Plain SQL that reads the same on SQLite and PostgreSQL.
/// </summary>
internal static class CaseEventStatesBackfill
{
    public const string Sql = """
        UPDATE "CaseEvents" SET "Status" = CASE "Type"
            WHEN 'Registered' THEN 'Registered'
            WHEN 'Resolved' THEN 'Resolved'
            WHEN 'Closed' THEN 'Closed'
            WHEN 'Reopened' THEN 'Reopened'
            WHEN 'SpecialCloseProposed' THEN 'SpecialCloseProposed'
            WHEN 'SpecialCloseApproved' THEN 'SpecialClosed'
            WHEN 'SpecialCloseReversed' THEN 'Reopened'
            WHEN 'TransferProposed' THEN 'TransferProposed'
            WHEN 'TransferApproved' THEN 'Registered'
            WHEN 'ForceClosed' THEN 'ForceClosed'
            ELSE NULL END
        WHERE "Status" IS NULL;
        UPDATE "CaseEvents" SET "LastActionAt" = "At"
        WHERE "LastActionAt" IS NULL AND ("Type" IN ('Registered','NoteAdded','InterimReply','Resolved','SpecialCloseProposed','SpecialCloseApproved',
            'SpecialCloseRejected','ForceClosed','TransferProposed','TransferApproved','TransferRejected','SentBack')
            OR ("Type" = 'Escalated' AND "ActorPost" IS NOT NULL));
        """;
}
