namespace CaseFlow.Workflows.Model;

/// <param name="IsLegacyShape">Read from the flat 3.0 form <c>{"source":ID,"sourcePort":P,...}</c>.</param>
public sealed record Connection(string Source, string SourcePort, string Target, string TargetPort, bool IsLegacyShape)
{
    public const string DefaultSourcePort = "Done";
    public const string DefaultTargetPort = "In";
}
