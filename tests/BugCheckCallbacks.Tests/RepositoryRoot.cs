namespace BugCheckCallbacks.Tests;

/// <summary>Finds the repository from the test binaries (CallerFilePath is mapped to /_/ in CI builds).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory, "BugCheckCallbacks.sln")))
        {
            directory = System.IO.Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("The repository root (BugCheckCallbacks.sln) was not found.");
    }
}
