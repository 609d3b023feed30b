using CaseFlow.Core.Directory;

namespace CaseFlow.Core.Tests;

/// <summary>The shipped seed directory, read from the repository so tests see what administrators edit.</summary>
internal static class TestDirectory
{
    public static string RepoRoot { get; } = FindRoot();

    public static DirectorySnapshot Seed() => DirectorySeed.Load(Path.Combine(RepoRoot, "seed", "directory.json"));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CaseFlow.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("CaseFlow.sln not found above the test directory.");
    }
}
