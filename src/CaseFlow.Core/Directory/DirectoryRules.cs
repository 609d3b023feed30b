namespace CaseFlow.Core.Directory;

public sealed record DirectoryViolation(string Department, string DepartmentName, string? District, int Level, string Rule, string Message);

/// <summary>
/// The Chief Secretary's order: the Head of Department sits at L3 in every department, and every level
/// is mapped for every district, so that no complaint can climb into an empty chair.
/// </summary>
public static class DirectoryRules
{
    public const string L3NotHeadOfDepartment = "L3_NOT_HEAD_OF_DEPARTMENT";
    public const string LevelUnmapped = "LEVEL_UNMAPPED";
    public const string HeadOfDepartmentOutsideL3 = "HEAD_OF_DEPARTMENT_OUTSIDE_L3";

    public static IReadOnlyList<DirectoryViolation> Check(DirectorySnapshot directory)
    {
        var violations = new List<DirectoryViolation>();
        foreach (var department in directory.Departments)
        {
            var l3 = directory.PostFor(department.Id, "", 3);
            if (l3 is null)
                violations.Add(new(department.Id, department.Name, null, 3, LevelUnmapped,
                    $"{department.Name}: no post is mapped at L3 (Head of Department)."));
            else if (!l3.HeadOfDepartment)
                violations.Add(new(department.Id, department.Name, null, 3, L3NotHeadOfDepartment,
                    $"{department.Name}: the L3 post '{l3.Designation}' ({l3.OfficerName}) is not the Head of Department."));

            if (directory.PostFor(department.Id, "", 4) is null)
                violations.Add(new(department.Id, department.Name, null, 4, LevelUnmapped,
                    $"{department.Name}: no post is mapped at L4 (Secretary)."));

            foreach (var district in directory.Districts)
            foreach (var level in new[] { 1, 2 })
            {
                if (directory.PostFor(department.Id, district.Id, level) is null)
                    violations.Add(new(department.Id, department.Name, district.Id, level, LevelUnmapped,
                        $"{department.Name}, {district.Name}: no post is mapped at L{level}."));
            }

            foreach (var post in directory.Posts.Where(p => p.Department == department.Id && p.HeadOfDepartment && p.Level != 3))
                violations.Add(new(department.Id, department.Name, post.District, post.Level, HeadOfDepartmentOutsideL3,
                    $"{department.Name}: the Head of Department post '{post.Designation}' sits at L{post.Level}, not L3."));
        }
        return violations;
    }
}
