namespace BugCheckCallbacks.Simulation;

/// <summary>Represents what the dump header records of the bug check.</summary>
/// <param name="BugCheckCode">The stop code passed to <c>KeBugCheckEx</c>.</param>
/// <param name="BugCheckParameter1">The first parameter.</param>
/// <param name="BugCheckParameter2">The second parameter.</param>
/// <param name="BugCheckParameter3">The third parameter.</param>
/// <param name="BugCheckParameter4">The fourth parameter.</param>
/// <param name="DumpType">The kind of dump.</param>
/// <param name="PageSize">The page size in bytes.</param>
public sealed record DumpHeaderInfo(
    uint BugCheckCode,
    ulong BugCheckParameter1,
    ulong BugCheckParameter2,
    ulong BugCheckParameter3,
    ulong BugCheckParameter4,
    DumpType DumpType,
    uint PageSize);
