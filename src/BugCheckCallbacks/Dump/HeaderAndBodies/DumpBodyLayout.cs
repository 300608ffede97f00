namespace BugCheckCallbacks.Dump;

/// <summary>Specifies how the body of an x64 kernel dump stores physical pages (docs/dump-format.md).</summary>
public enum DumpBodyLayout
{
    /// <summary>
    /// A run-based complete dump (<c>DumpType</c> 1): every page of every physical memory run follows the header, run
    /// after run.
    /// </summary>
    RunBased = 1,

    /// <summary>A bitmap dump of kernel memory: a bitmap header signed <c>"SDMP"</c> marks which pages follow.</summary>
    KernelBitmap = 2,

    /// <summary>A bitmap dump of complete memory: a bitmap header signed <c>"FDMP"</c> marks which pages follow.</summary>
    CompleteBitmap = 3,

    /// <summary>
    /// The PFN ranges of a dump the debugger's <c>.dump</c> wrote (DumpType 8 <c>/k</c>, 9 <c>/ka</c>, 10 <c>/f</c>): an
    /// RDMP header at 0x2000, the ranges, then their pages in range order.
    /// </summary>
    Ranges = 4,

    /// <summary>
    /// A small memory dump (<c>DumpType</c> 4, what <c>C:\Windows\Minidump</c> holds): <c>PAGEDUMP_TRIAGE</c> at 0x2000 and
    /// blocks of virtual memory, no physical pages and no page tables (see <see cref="DumpFile.Triage"/>).
    /// </summary>
    Triage = 5,
}
