namespace CaseFlow.Workflows.Model;

public sealed class WorkflowFormatException(string message, Exception? inner = null) : Exception(message, inner);
