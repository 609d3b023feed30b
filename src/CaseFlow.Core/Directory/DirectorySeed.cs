using System.Text.Json;

namespace CaseFlow.Core.Directory;

/// <summary>Reads the administrator-edited directory file (seed/directory.json).</summary>
public static class DirectorySeed
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static DirectorySnapshot Parse(string json)
    {
        var file = JsonSerializer.Deserialize<DirectoryFile>(json, Options)
                   ?? throw new InvalidDataException("The directory file is empty.");
        return new DirectorySnapshot(file.State, file.StateHi ?? file.State, file.CaseNumberPrefix ?? "UK",
            file.Districts ?? [], file.Departments ?? [],
            (file.Categories ?? []).Select(c => c with { SubCategories = c.SubCategories ?? [] }),
            file.Posts ?? [], file.SpecialCloseReasons ?? []);
    }

    public static DirectorySnapshot Load(string path) => Parse(File.ReadAllText(path));

    public static string Serialize(DirectorySnapshot d) => JsonSerializer.Serialize(
        new DirectoryFile(d.State, d.StateHi, d.CaseNumberPrefix, d.Districts.ToList(), d.Departments.ToList(),
            d.Categories.ToList(), d.Posts.ToList(), d.SpecialCloseReasons.ToList()), Options);

    private sealed record DirectoryFile(
        string State,
        string? StateHi,
        string? CaseNumberPrefix,
        List<District>? Districts,
        List<Department>? Departments,
        List<Category>? Categories,
        List<Post>? Posts,
        List<SpecialCloseReason>? SpecialCloseReasons);
}
