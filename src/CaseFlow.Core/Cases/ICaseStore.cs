namespace CaseFlow.Core.Cases;

/// <summary>
/// Durable case storage. Every method that changes something has committed it when its task completes,
/// and appends the case's event in the same transaction.
/// </summary>
public interface ICaseStore
{
    /// <summary>
    /// Stores a new case, numbering it "{numberPrefix}-{next in that series:D6}". For a request key seen
    /// before with the same fingerprint, returns the case that request created and stores nothing.
    /// </summary>
    Task<Case> CreateAsync(Case draft, string numberPrefix, RequestKey? key, CaseEvent registered, CancellationToken ct);

    Task<Case?> FindAsync(string number, CancellationToken ct);

    Task<CasePage> ListAsync(CaseQuery query, CancellationToken ct);

    /// <summary>
    /// Applies <paramref name="change"/> to the current case and stores the result with the event it
    /// returns. The change validates first and mutates only when it will succeed; a
    /// <see cref="Errors.CaseFlowException"/> from it stores nothing. A repeated request key returns the
    /// case as it is without applying the change again.
    /// </summary>
    Task<Case> UpdateAsync(string number, RequestKey? key, Func<Case, CaseEvent> change, CancellationToken ct);
}
