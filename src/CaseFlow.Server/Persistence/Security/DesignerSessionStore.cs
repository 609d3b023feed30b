using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace CaseFlow.Server.Persistence.Security;

/// <summary>Server-side designer sessions (cookie authentication's session store), so a session can be revoked.</summary>
public sealed class DesignerSessionStore(CaseFlowDatabase database, TimeProvider time) : ITicketStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var db = database.CreateContext();
        var now = time.GetUtcNow();
        // Sessions that ran out are cleared as new ones begin: sign-ins are rare, and the index makes it cheap.
        await db.DesignerSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        db.DesignerSessions.Add(new DesignerSessionRow
        {
            Key = key, User = ticket.Principal.Identity?.Name ?? "", Ticket = TicketSerializer.Default.Serialize(ticket),
            CreatedAt = now, ExpiresAt = ticket.Properties.ExpiresUtc ?? now.AddHours(8),
        });
        await db.SaveChangesAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var db = database.CreateContext();
        var expires = ticket.Properties.ExpiresUtc ?? time.GetUtcNow().AddHours(8);
        var bytes = TicketSerializer.Default.Serialize(ticket);
        await db.DesignerSessions.Where(s => s.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Ticket, bytes).SetProperty(r => r.ExpiresAt, expires));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var db = database.CreateContext();
        var row = await db.DesignerSessions.FirstOrDefaultAsync(s => s.Key == key);
        if (row is null || row.ExpiresAt <= time.GetUtcNow()) return null;
        return TicketSerializer.Default.Deserialize(row.Ticket);
    }

    public async Task RemoveAsync(string key)
    {
        await using var db = database.CreateContext();
        await db.DesignerSessions.Where(s => s.Key == key).ExecuteDeleteAsync();
    }
}
