namespace CaseFlow.Workflows.Runtime;

/// <summary>Raised by <c>Elsa.Fault</c> and by activities that want to fault the instance deliberately.</summary>
public sealed class WorkflowFaultException(string message, string? code = null) : Exception(message)
{
    public string? Code { get; } = code;
}
