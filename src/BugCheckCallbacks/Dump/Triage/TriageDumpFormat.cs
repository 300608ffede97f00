namespace BugCheckCallbacks.Dump;

/// <summary>
/// The small memory dump (on-disk <c>DumpType</c> 4): <c>PAGEDUMP_TRIAGE</c> at 0x2000, its fields u32 absolute file
/// offsets unless noted (KERNEL-DUMP.md §8, after Ghidra's <c>TriageDump.java</c>, <c>TriageDataBlock.java</c>,
/// <c>LoadedDriver.java</c>, <c>Pagedump.java</c>). The one place the writer and the reader take the layout from.
/// </summary>
internal static class TriageDumpFormat
{
    public const uint DumpType = 4;
    public const int Offset = DumpHeader64.Size;
    public const int Size = 0x80;

    /// <summary>The file offset just past <c>PAGEDUMP_TRIAGE</c>, where Windows puts MmOffset and the triage parts start.</summary>
    public const int End = Offset + Size;

    public const int ServicePackBuild = 0x00;
    public const int SizeOfDump = 0x04;
    public const int ValidOffset = 0x08;
    public const int ContextOffset = 0x0C;
    public const int ExceptionOffset = 0x10;
    public const int MmOffset = 0x14;
    public const int UnloadedDriversOffset = 0x18;
    public const int PrcbOffset = 0x1C;
    public const int ProcessOffset = 0x20;
    public const int ThreadOffset = 0x24;
    public const int CallStackOffset = 0x28;
    public const int CallStackSize = 0x2C;
    public const int DriverListOffset = 0x30;
    public const int DriverCount = 0x34;
    public const int StringPoolOffset = 0x38;
    public const int StringPoolSize = 0x3C;
    public const int BrokenDriverOffset = 0x40;
    public const int TriageOptions = 0x44;
    public const int TopOfStack = 0x48; // u64
    public const int BStoreOffset = 0x50;
    public const int BStoreSize = 0x54;
    public const int BStoreLimit = 0x58; // u64
    public const int DataPageAddress = 0x60; // u64
    public const int DataPageOffset = 0x68;
    public const int DataPageSize = 0x6C;
    public const int DebuggerDataOffset = 0x70;
    public const int DebuggerDataSize = 0x74;
    public const int DataBlocksOffset = 0x78;
    public const int DataBlocksCount = 0x7C;

    /// <summary>A data block: u64 virtual Address, u32 file Offset, u32 Size.</summary>
    public const int DataBlockSize = 16;

    /// <summary>
    /// A driver-list entry: u32 file offset of its name in the string pool, 4 bytes of padding, then 0x88 bytes of the
    /// module's x64 <c>KLDR_DATA_TABLE_ENTRY</c>: 0x90 bytes apart on builds 19041 and 22000 (verified on real files).
    /// </summary>
    public const int DriverEntryHeader = 8;
    public const int DriverEntryLdrSize = 0x88;
    public const int DriverStride = DriverEntryHeader + DriverEntryLdrSize;

    /// <summary>The least a stride can be: the entry's header and its fields up to the end of BaseDllName.</summary>
    public const int MinDriverStride = DriverEntryHeader + KernelStructures.KldrEntry.BaseDllName + 0x10;

    /// <summary>The <c>KDDEBUGGER_DATA64</c> copy's size on x64.</summary>
    public const int DebuggerDataLength = 0x340;

    /// <summary>
    /// <c>TRIAGE_DUMP_VALID</c>, the u32 at ValidOffset: the multi-character constant 'DGRT', so the file's bytes read
    /// "TRGD" (an open-source triage reader accepts either byte order, and so does this one).
    /// </summary>
    public const uint ValidMarker = 0x44475254;
    public const uint ValidMarkerSwapped = 0x54524744;
}
