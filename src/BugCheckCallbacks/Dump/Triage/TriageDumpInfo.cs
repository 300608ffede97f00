namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents what a small memory dump (on-disk <c>DumpType</c> 4) holds: the fields of its <c>PAGEDUMP_TRIAGE</c> at 0x2000
/// (KERNEL-DUMP.md §8, after Ghidra's <c>TriageDump.java</c>), which parts the header marks present, its driver list and
/// its blocks of virtual memory.
/// </summary>
public sealed record TriageDumpInfo
{
    /// <summary>Gets which parts the header's <c>MiniDumpFields</c> marks present.</summary>
    public TriageDumpFields Fields { get; init; }

    /// <summary>Gets <c>ServicePackBuild</c>.</summary>
    public uint ServicePackBuild { get; init; }

    /// <summary>Gets <c>SizeOfDump</c>: the file offset just past the triage data (ValidOffset + 4), where the secondary-data region starts.</summary>
    public uint SizeOfDump { get; init; }

    /// <summary>Gets <c>ValidOffset</c>: where the <c>TRIAGE_DUMP_VALID</c> marker is.</summary>
    public uint ValidOffset { get; init; }

    /// <summary>Gets <c>ContextOffset</c>: the file offset of the <c>CONTEXT</c> (Windows: 0x348, the header's own; 0: none).</summary>
    public uint ContextOffset { get; init; }

    /// <summary>Gets <c>ExceptionOffset</c>: the file offset of the <c>EXCEPTION_RECORD64</c> (Windows: 0xF00, the header's own; 0: none).</summary>
    public uint ExceptionOffset { get; init; }

    /// <summary>Gets <c>MmOffset</c> (0: none).</summary>
    public uint MmOffset { get; init; }

    /// <summary>Gets <c>UnloadedDriversOffset</c> (0: none).</summary>
    public uint UnloadedDriversOffset { get; init; }

    /// <summary>Gets <c>PrcbOffset</c> (0: none).</summary>
    public uint PrcbOffset { get; init; }

    /// <summary>Gets <c>ProcessOffset</c> (0: none).</summary>
    public uint ProcessOffset { get; init; }

    /// <summary>Gets <c>ThreadOffset</c> (0: none).</summary>
    public uint ThreadOffset { get; init; }

    /// <summary>Gets <c>CallStackOffset</c> (0: none).</summary>
    public uint CallStackOffset { get; init; }

    /// <summary>Gets <c>CallStackSize</c>, in bytes.</summary>
    public uint CallStackSize { get; init; }

    /// <summary>Gets <c>DriverListOffset</c>: the first driver-list entry.</summary>
    public uint DriverListOffset { get; init; }

    /// <summary>Gets <c>DriverCount</c>.</summary>
    public uint DriverCount { get; init; }

    /// <summary>Gets <c>StringPoolOffset</c>: the first <c>DUMP_STRING</c>.</summary>
    public uint StringPoolOffset { get; init; }

    /// <summary>Gets <c>StringPoolSize</c>, in bytes.</summary>
    public uint StringPoolSize { get; init; }

    /// <summary>Gets <c>BrokenDriverOffset</c> (0: none).</summary>
    public uint BrokenDriverOffset { get; init; }

    /// <summary>Gets <c>TriageOptions</c>.</summary>
    public uint TriageOptions { get; init; }

    /// <summary>Gets <c>TopOfStack</c>, a virtual address.</summary>
    public ulong TopOfStack { get; init; }

    /// <summary>Gets <c>BStoreOffset</c> (0: none).</summary>
    public uint BStoreOffset { get; init; }

    /// <summary>Gets <c>BStoreSize</c>, in bytes.</summary>
    public uint BStoreSize { get; init; }

    /// <summary>Gets <c>BStoreLimit</c>, a virtual address.</summary>
    public ulong BStoreLimit { get; init; }

    /// <summary>Gets <c>DataPageAddress</c>: the virtual address of the data page.</summary>
    public ulong DataPageAddress { get; init; }

    /// <summary>Gets <c>DataPageOffset</c>: the file offset of the data page (0: none).</summary>
    public uint DataPageOffset { get; init; }

    /// <summary>Gets <c>DataPageSize</c>, in bytes.</summary>
    public uint DataPageSize { get; init; }

    /// <summary>Gets <c>DebuggerDataOffset</c>: the file offset of the <c>KDDEBUGGER_DATA64</c> copy (0: none).</summary>
    public uint DebuggerDataOffset { get; init; }

    /// <summary>Gets <c>DebuggerDataSize</c>, in bytes.</summary>
    public uint DebuggerDataSize { get; init; }

    /// <summary>Gets <c>DataBlocksOffset</c>: the data-block table.</summary>
    public uint DataBlocksOffset { get; init; }

    /// <summary>Gets <c>DataBlocksCount</c>: the entries of the data-block table.</summary>
    public uint DataBlocksCount { get; init; }

    /// <summary>Gets the driver list: every loaded module, in the order the dump lists them (the kernel first).</summary>
    public IReadOnlyList<TriageDumpDriver> Drivers { get; init; } = [];

    /// <summary>Gets the data-block table, in file order: where the <c>KbCallbackTriageDumpData</c> blocks land.</summary>
    public IReadOnlyList<TriageDumpBlock> DataBlocks { get; init; } = [];

    /// <summary>Gets the data page as a block, or <see langword="null"/> when the dump has none.</summary>
    public TriageDumpBlock? DataPage { get; init; }
}
