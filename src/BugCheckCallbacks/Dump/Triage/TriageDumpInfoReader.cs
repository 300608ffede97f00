using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>The fields of PAGEDUMP_TRIAGE as a small memory dump holds them, for <see cref="TriageDumpInfo"/>.</summary>
internal static class TriageDumpInfoReader
{
    /// <summary>Every field of PAGEDUMP_TRIAGE as the file holds it, with the parts read from it.</summary>
    public static TriageDumpInfo Read(ReadOnlySpan<byte> t, TriageDumpFields fields, uint sizeOfDump, uint valid, IReadOnlyList<TriageDumpDriver> drivers, IReadOnlyList<TriageDumpBlock> blocks, TriageDumpBlock? dataPage) =>
        new()
        {
            Fields = fields,
            ServicePackBuild = U32(t, TriageDumpFormat.ServicePackBuild),
            SizeOfDump = sizeOfDump,
            ValidOffset = valid,
            ContextOffset = U32(t, TriageDumpFormat.ContextOffset),
            ExceptionOffset = U32(t, TriageDumpFormat.ExceptionOffset),
            MmOffset = U32(t, TriageDumpFormat.MmOffset),
            UnloadedDriversOffset = U32(t, TriageDumpFormat.UnloadedDriversOffset),
            PrcbOffset = U32(t, TriageDumpFormat.PrcbOffset),
            ProcessOffset = U32(t, TriageDumpFormat.ProcessOffset),
            ThreadOffset = U32(t, TriageDumpFormat.ThreadOffset),
            CallStackOffset = U32(t, TriageDumpFormat.CallStackOffset),
            CallStackSize = U32(t, TriageDumpFormat.CallStackSize),
            DriverListOffset = U32(t, TriageDumpFormat.DriverListOffset),
            DriverCount = U32(t, TriageDumpFormat.DriverCount),
            StringPoolOffset = U32(t, TriageDumpFormat.StringPoolOffset),
            StringPoolSize = U32(t, TriageDumpFormat.StringPoolSize),
            BrokenDriverOffset = U32(t, TriageDumpFormat.BrokenDriverOffset),
            TriageOptions = U32(t, TriageDumpFormat.TriageOptions),
            TopOfStack = U64(t, TriageDumpFormat.TopOfStack),
            BStoreOffset = U32(t, TriageDumpFormat.BStoreOffset),
            BStoreSize = U32(t, TriageDumpFormat.BStoreSize),
            BStoreLimit = U64(t, TriageDumpFormat.BStoreLimit),
            DataPageAddress = U64(t, TriageDumpFormat.DataPageAddress),
            DataPageOffset = U32(t, TriageDumpFormat.DataPageOffset),
            DataPageSize = U32(t, TriageDumpFormat.DataPageSize),
            DebuggerDataOffset = U32(t, TriageDumpFormat.DebuggerDataOffset),
            DebuggerDataSize = U32(t, TriageDumpFormat.DebuggerDataSize),
            DataBlocksOffset = U32(t, TriageDumpFormat.DataBlocksOffset),
            DataBlocksCount = U32(t, TriageDumpFormat.DataBlocksCount),
            Drivers = drivers,
            DataBlocks = blocks,
            DataPage = dataPage,
        };

    private static uint U32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);
}
