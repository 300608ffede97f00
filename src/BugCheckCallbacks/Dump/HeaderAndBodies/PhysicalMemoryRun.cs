namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents one run of physical memory, in pages; the managed twin of <c>PHYSICAL_MEMORY_RUN64</c>
/// (the runs of <c>DUMP_HEADER64.PhysicalMemoryBlock</c>).
/// </summary>
/// <param name="BasePage">The first page frame number of the run (<c>BasePage</c>).</param>
/// <param name="PageCount">The number of pages in the run (<c>PageCount</c>).</param>
public readonly record struct PhysicalMemoryRun(ulong BasePage, ulong PageCount)
{
    /// <summary>Gets the page frame number just past the run.</summary>
    public ulong EndPage => BasePage + PageCount;
}
