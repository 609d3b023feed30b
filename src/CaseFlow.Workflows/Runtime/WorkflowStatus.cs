namespace CaseFlow.Workflows.Runtime;

public enum WorkflowStatus
{
    Running,
    Suspended,
    Finished,
    Faulted,
    Cancelled,
}
