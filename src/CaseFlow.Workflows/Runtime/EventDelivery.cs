namespace CaseFlow.Workflows.Runtime;

/// <param name="ResumedInstanceIds">Instances a bookmark of which the event resumed.</param>
/// <param name="StoredAsPending">True when nothing waited yet: the event was kept to be delivered to the first bookmark that appears.</param>
public sealed record EventDelivery(IReadOnlyList<string> ResumedInstanceIds, bool StoredAsPending);
