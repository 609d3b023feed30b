using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Access;

[Flags]
public enum Permissions
{
    None = 0,
    CreateCases = 1,
    ReadCases = 2,
    ActOnCases = 4,
    // Phone, email and address of complainants; everyone else sees them masked.
    ReadPersonalData = 8,
    AdministerDirectory = 16,
    AdministerWorkflows = 32,
    // The complainant's answer, taken by the call centre, IVRS, SMS gateway, app or portal.
    RecordFeedback = 64,
    // The nodal agency: reviews special closes, decides transfers, flags habitual complainants.
    Supervise = 128,
}

/// <summary>
/// An authenticated calling system (the portal, the call centre, a department's MIS...). Departments
/// is the set it may touch; null means every department (the state-wide portal and call centre).
/// </summary>
public sealed record Caller(string System, Permissions Permissions, IReadOnlySet<string>? Departments)
{
    public bool Can(Permissions permission) => (Permissions & permission) == permission;

    public bool MayTouch(string department) => Departments is null || Departments.Contains(department);

    public void Require(Permissions permission)
    {
        if (!Can(permission))
            throw new CaseFlowException(ErrorKind.PermissionDenied, "PERMISSION_DENIED",
                $"The calling system '{System}' lacks the permission {permission}.",
                metadata: new Dictionary<string, string> { ["permission"] = permission.ToString() });
    }

    public void RequireDepartment(string department)
    {
        if (!MayTouch(department))
            throw new CaseFlowException(ErrorKind.PermissionDenied, "DEPARTMENT_NOT_ALLOWED",
                $"The calling system '{System}' may not access cases of department '{department}'.",
                metadata: new Dictionary<string, string> { ["department"] = department });
    }
}
