using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Access;

/// <summary>
/// Who may see a case and act on it, stated once. Calling systems, not officers, authenticate: a system
/// names the officer post it acts for, so that post must belong to a department the system may act for.
/// A case is seen by its own department and, while a transfer to another department is pending, by the
/// receiving department too, because that department decides the transfer.
/// </summary>
public static class CaseAccess
{
    public static bool MaySee(this Caller caller, Case c) =>
        caller.MayTouch(c.Department) || IsReceiving(caller, c);

    /// <summary>True when a transfer of the case to a department this caller may act for is pending.</summary>
    public static bool IsReceiving(this Caller caller, Case c) =>
        c.Status == CaseStatus.TransferProposed && c.TransferToDepartment is { } to && caller.MayTouch(to);

    public static void RequireMayActAs(this Caller caller, Post post)
    {
        if (!caller.MayTouch(post.Department))
            throw new CaseFlowException(ErrorKind.PermissionDenied, "POST_NOT_ALLOWED",
                $"The calling system '{caller.System}' may not act for post '{post.Id}' of department '{post.Department}'.",
                metadata: new Dictionary<string, string> { ["post"] = post.Id, ["department"] = post.Department });
    }

    /// <summary>
    /// The refusal for a case this caller may not see, worded the same whether or not the case exists,
    /// so case numbers of other departments cannot be probed. A caller that may see every department
    /// learns nothing from NOT_FOUND; one limited to some departments hears PERMISSION_DENIED for
    /// another department's name, and NOT_FOUND only inside its own.
    /// </summary>
    public static CaseFlowException Unseen(this Caller caller, string nameDepartment, string number, string name)
    {
        if (nameDepartment == CaseNames.AnyDepartment ? caller.Departments is not null : !caller.MayTouch(nameDepartment))
            return new CaseFlowException(ErrorKind.PermissionDenied, "CASE_NOT_ACCESSIBLE",
                $"The calling system '{caller.System}' may not access case {TextLimit.Echo(number)}, or it does not exist.",
                metadata: new Dictionary<string, string> { ["name"] = TextLimit.Echo(name) });
        return CaseFlowException.NotFound("Case", TextLimit.Echo(name));
    }
}
