namespace CaseFlow.Server.Tests;

internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The read-only shared folder beside the checkout (elsa-samples, design notes).</summary>
    public static string SharedDirectory => Path.Combine(Path.GetDirectoryName(RepoRoot)!, "shared");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CaseFlow.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("CaseFlow.sln not found above the test directory.");
    }
}
