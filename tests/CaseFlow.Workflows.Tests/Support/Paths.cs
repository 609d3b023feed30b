namespace CaseFlow.Workflows.Tests.Support;

/// <summary>Finds the repository (the folder with Directory.Packages.props and src/) and ../shared beside it.</summary>
public static class Paths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;

    public static string SamplesDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "elsa-samples"));

    public static string WorkflowsDir => Path.Combine(RepoRoot, "workflows");

    public static string Sample(string fileName) => Path.Combine(SamplesDir, fileName);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CaseFlow.sln"))
                || (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")) && Directory.Exists(Path.Combine(dir.FullName, "src", "CaseFlow.Workflows"))))
                return dir.FullName;
            dir = dir.Parent;
        }
        throw new DirectoryNotFoundException($"No repository root above {TestContext.CurrentContext.TestDirectory}.");
    }
}
