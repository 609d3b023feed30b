using System.Collections.Frozen;

namespace CaseFlow.Core.Directory;

/// <summary>
/// An immutable, fully indexed view of the directory. Routing runs on every CreateCase, so lookups are
/// frozen dictionaries; a post change swaps in a new snapshot rather than mutating this one.
/// </summary>
public sealed class DirectorySnapshot
{
    private readonly FrozenDictionary<string, Post> _postsById;
    private readonly FrozenDictionary<(string Department, string? District, int Level), Post> _postsBySlot;

    public DirectorySnapshot(string state, string stateHi, string caseNumberPrefix,
        IEnumerable<District> districts, IEnumerable<Department> departments,
        IEnumerable<Category> categories, IEnumerable<Post> posts, IEnumerable<SpecialCloseReason>? specialCloseReasons = null)
    {
        SpecialCloseReasons = specialCloseReasons?.ToArray() ?? [];
        State = state;
        StateHi = stateHi;
        CaseNumberPrefix = caseNumberPrefix;
        Districts = districts.ToArray();
        Departments = departments.ToArray();
        Categories = categories.ToArray();
        Posts = posts.ToArray();
        DistrictsById = Districts.ToFrozenDictionary(d => d.Id);
        DepartmentsById = Departments.ToFrozenDictionary(d => d.Id);
        CategoriesById = Categories.ToFrozenDictionary(c => c.Id);
        _postsById = Posts.ToFrozenDictionary(p => p.Id);
        // Duplicated slots would make routing ambiguous; the first one wins here and DirectoryRules reports it.
        _postsBySlot = Posts
            .GroupBy(p => (p.Department, Post.IsStateLevel(p.Level) ? null : p.District, p.Level))
            .ToFrozenDictionary(g => g.Key, g => g.First());
    }

    public string State { get; }
    public string StateHi { get; }
    public string CaseNumberPrefix { get; }
    public IReadOnlyList<District> Districts { get; }
    public IReadOnlyList<Department> Departments { get; }
    public IReadOnlyList<Category> Categories { get; }
    public IReadOnlyList<Post> Posts { get; }
    public IReadOnlyList<SpecialCloseReason> SpecialCloseReasons { get; }
    public FrozenDictionary<string, District> DistrictsById { get; }
    public FrozenDictionary<string, Department> DepartmentsById { get; }
    public FrozenDictionary<string, Category> CategoriesById { get; }

    public Post? FindPost(string postId) => _postsById.GetValueOrDefault(postId);

    /// <summary>The District Magistrate of a district, when the directory names one.</summary>
    public Post? DistrictMagistrateOf(string district) => _postsById.Values.FirstOrDefault(p => p.DistrictMagistrate && p.District == district);

    /// <summary>The post that handles a department's complaints from a district at a level.</summary>
    public Post? PostFor(string department, string district, int level) =>
        _postsBySlot.GetValueOrDefault((department, Post.IsStateLevel(level) ? null : district, level));

    public IReadOnlyList<Post?> Chain(string department, string district) =>
        Enumerable.Range(Post.MinLevel, Post.MaxLevel).Select(l => PostFor(department, district, l)).ToArray();

    public DirectorySnapshot WithPost(Post post) =>
        new(State, StateHi, CaseNumberPrefix, Districts, Departments, Categories,
            Posts.Where(p => p.Id != post.Id).Append(post), SpecialCloseReasons);
}
