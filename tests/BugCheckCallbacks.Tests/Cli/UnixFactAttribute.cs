namespace BugCheckCallbacks.Tests.Cli;

/// <summary>A fact about what only Linux and macOS have (hard links made with ln, stat's device and inode): skipped elsewhere, never passed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        Skip = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? null : "Needs Linux or macOS: hard links and stat.";
    }
}
