namespace BugCheckCallbacks;

/// <summary>
/// The x64 page the contract counts in (<c>KBUGCHECK_ADD_PAGES.Count</c>, <c>KBUGCHECK_REMOVE_PAGES.Count</c>, a triage
/// dump's <c>MaxVirtMemSize</c>): 4 KiB. The project's one page size: the dump format's (<c>DumpFile.PageSize</c>), the
/// paging the simulated machine builds and the simulated images' layout all take it from here.
/// </summary>
internal static class X64Page
{
    public const uint Size = 4096;
    public const int Shift = 12;

    /// <summary>Rounds <paramref name="value"/> up to a whole number of pages.</summary>
    public static uint AlignUp(uint value) => (value + Size - 1) & ~(Size - 1);
}
