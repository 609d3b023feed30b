namespace CaseFlow.Core.Directory;

/// <summary>The directory in force now. Snapshots are immutable; a change publishes a new one.</summary>
public interface IDirectoryProvider
{
    DirectorySnapshot Current { get; }
}
