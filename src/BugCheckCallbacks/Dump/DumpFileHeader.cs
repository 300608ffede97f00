namespace BugCheckCallbacks.Dump;

/// <summary>Represents the fixed header of a dump file.</summary>
/// <param name="FormatVersion">The format version (1).</param>
/// <param name="BugCheckCode">The stop code passed to <c>KeBugCheckEx</c>.</param>
/// <param name="DisplayedStopCode">The stop code shown: the nested one when a callback bug-checked.</param>
/// <param name="BugCheckParameter1">The first parameter.</param>
/// <param name="BugCheckParameter2">The second parameter.</param>
/// <param name="BugCheckParameter3">The third parameter.</param>
/// <param name="BugCheckParameter4">The fourth parameter.</param>
/// <param name="DumpType">The kind of dump.</param>
/// <param name="PageSize">The page size in bytes.</param>
/// <param name="FileLength">The length of the complete file in bytes.</param>
public sealed record DumpFileHeader(
    uint FormatVersion,
    uint BugCheckCode,
    uint DisplayedStopCode,
    ulong BugCheckParameter1,
    ulong BugCheckParameter2,
    ulong BugCheckParameter3,
    ulong BugCheckParameter4,
    DumpType DumpType,
    uint PageSize,
    long FileLength);
