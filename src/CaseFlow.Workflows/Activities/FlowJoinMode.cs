namespace CaseFlow.Workflows.Activities;

public enum FlowJoinMode
{
    /// <summary>Runs on the first arrival and cancels what is still pending on the other inbound branches.</summary>
    WaitAny,

    /// <summary>Runs when every inbound connection was followed.</summary>
    WaitAll,

    /// <summary>Runs when every inbound connection was visited and at least one followed (like an implicit join).</summary>
    WaitAllActive,
}
