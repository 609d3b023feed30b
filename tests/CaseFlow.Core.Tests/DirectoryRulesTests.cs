using CaseFlow.Core.Directory;

namespace CaseFlow.Core.Tests;

public sealed class DirectoryRulesTests
{
    [Test]
    public void The_seed_directory_obeys_the_Chief_Secretarys_rule() =>
        Assert.That(DirectoryRules.Check(TestDirectory.Seed()), Is.Empty);

    [Test]
    public void An_L3_post_that_is_not_the_Head_of_Department_is_reported_by_department_name()
    {
        var seed = TestDirectory.Seed();
        var l3 = seed.PostFor("health", "", 3)!;
        var broken = seed.WithPost(l3 with { HeadOfDepartment = false, Designation = "Joint Director (acting)" });

        var violations = DirectoryRules.Check(broken);

        Assert.That(violations, Has.Count.EqualTo(1));
        Assert.That(violations[0].Rule, Is.EqualTo(DirectoryRules.L3NotHeadOfDepartment));
        Assert.That(violations[0].Message, Does.Contain(seed.DepartmentsById["health"].Name));
    }

    [Test]
    public void An_unmapped_level_is_reported_with_its_district()
    {
        var seed = TestDirectory.Seed();
        var withoutL2 = new DirectorySnapshot(seed.State, seed.StateHi, seed.CaseNumberPrefix, seed.Districts, seed.Departments,
            seed.Categories, seed.Posts.Where(p => p.Id != "energy-chamoli-l2"));

        var violations = DirectoryRules.Check(withoutL2);

        Assert.That(violations.Select(v => (v.Department, v.District, v.Level, v.Rule)),
            Is.EqualTo(new[] { ("energy", (string?)"chamoli", 2, DirectoryRules.LevelUnmapped) }));
    }

    [Test]
    public void State_level_posts_serve_every_district()
    {
        var seed = TestDirectory.Seed();
        var chain = seed.Chain("police", "champawat");
        Assert.That(chain.Select(p => p!.Level), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(chain[2], Is.SameAs(seed.Chain("police", "dehradun")[2]));
    }
}
