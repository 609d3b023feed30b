using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Directory;

/// <summary>Checks an administrator's change to a level's post before it is recorded.</summary>
public static class DirectoryChanges
{
    public static Post Validate(DirectorySnapshot dir, string department, string? district, int level, string officerName,
        string designation, string designationHi, string phone, string email, bool headOfDepartment, string reason, string? requestId)
    {
        var errors = new List<FieldViolation>();
        CaseValidator.CheckRequestId(requestId, required: false, errors);
        if (!dir.DepartmentsById.ContainsKey(department))
            errors.Add(new("department", $"'{TextLimit.Echo(department)}' is not a known department."));
        if (level is < Post.MinLevel or > Post.MaxLevel)
            errors.Add(new("level", "must be L1, L2, L3 or L4."));
        else if (Post.IsStateLevel(level) && !string.IsNullOrEmpty(district))
            errors.Add(new("district", $"must be empty: L{level} serves the whole state."));
        else if (!Post.IsStateLevel(level) && (string.IsNullOrEmpty(district) || !dir.DistrictsById.ContainsKey(district)))
            errors.Add(new("district", $"must be a known district for an L{level} post."));
        if (string.IsNullOrWhiteSpace(officerName)) errors.Add(new("officer_name", "is required."));
        else CaseValidator.CheckText("officer_name", officerName, TextLimit.Name, false, errors);
        if (string.IsNullOrWhiteSpace(designation)) errors.Add(new("designation", "is required."));
        else CaseValidator.CheckText("designation", designation, TextLimit.Name, false, errors);
        if (!string.IsNullOrEmpty(designationHi)) CaseValidator.CheckText("designation_hi", designationHi, TextLimit.Name, false, errors);
        var normalisedPhone = string.IsNullOrEmpty(phone) ? "" : CaseValidator.NormalisePhone(phone);
        if (normalisedPhone is null) errors.Add(new("phone", $"'{TextLimit.Echo(phone)}' is not an Indian phone number."));
        if (!string.IsNullOrEmpty(email) && (email.Length > CaseValidator.MaxEmailLength || !email.Contains('@')))
            errors.Add(new("email", $"'{TextLimit.Echo(email)}' is not an email address."));
        if (string.IsNullOrWhiteSpace(reason)) errors.Add(new("reason", "is required: cite the order or say why the post changed."));
        else CaseValidator.CheckText("reason", reason, TextLimit.Note, true, errors);
        if (errors.Count > 0) throw CaseFlowException.Invalid(errors);

        var stateLevel = Post.IsStateLevel(level);
        var id = stateLevel ? $"{department}-l{level}" : $"{department}-{district}-l{level}";
        return new Post(id, department, stateLevel ? null : district, level, designation.Trim(),
            string.IsNullOrWhiteSpace(designationHi) ? designation.Trim() : designationHi.Trim(), officerName.Trim(),
            normalisedPhone ?? "", email.Trim(), headOfDepartment);
    }
}
