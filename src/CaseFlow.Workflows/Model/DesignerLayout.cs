namespace CaseFlow.Workflows.Model;

public readonly record struct DesignerPosition(double X, double Y);

public readonly record struct DesignerSize(double Width, double Height);
