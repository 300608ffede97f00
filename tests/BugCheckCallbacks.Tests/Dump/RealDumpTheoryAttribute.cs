namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// A theory over dumps that Windows wrote, read from the folder the environment variable <c>BUGCHECK_REAL_DUMPS</c> names.
/// Reported as skipped, never as passed, without it: the files hold Windows' own memory and are never committed
/// (docs/dump-format.md says where public ones are found).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealDumpTheoryAttribute : TheoryAttribute
{
    public RealDumpTheoryAttribute()
    {
        Skip = Folder is null ? "No real dumps: set BUGCHECK_REAL_DUMPS to a folder holding triage_x64.dmp and triage_arm64.dmp (docs/dump-format.md)." : null;
    }

    public static string? Folder => Environment.GetEnvironmentVariable("BUGCHECK_REAL_DUMPS") is { Length: > 0 } path && Directory.Exists(path) ? path : null;

    /// <summary>The path of a real dump in the folder; a missing file fails the test, as a folder was named to hold it.</summary>
    public static string PathOf(string name)
    {
        var path = Path.Combine(Folder!, name);
        File.Exists(path).Should().BeTrue($"BUGCHECK_REAL_DUMPS names {Folder}, which should hold {name}");
        return path;
    }
}
