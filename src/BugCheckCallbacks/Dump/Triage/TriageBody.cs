using System.Buffers.Binary;
using System.Text;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Reads a small memory dump (on-disk <c>DumpType</c> 4): <c>PAGEDUMP_TRIAGE</c> at 0x2000, its driver list and string
/// pool, its data-block table and data page. Every count and offset is checked, as unsigned, against the file's length
/// before it sizes a read or an allocation; virtual reads answer from the blocks, through an index built once.
/// </summary>
internal sealed class TriageBody
{
    private readonly TriageDumpBlock? _debuggerData; // the KDDEBUGGER_DATA64 copy, at the header's KdDebuggerDataBlock
    private readonly TriageDumpBlock? _stack; // the call stack, CallStackSize bytes from TopOfStack up
    private Piece[]? _byAddress; // built on the first virtual read: blocks, data page, stack, KDBG copy; by address, overlaps clipped

    private TriageBody(TriageDumpInfo info, TriageDumpBlock? debuggerData, TriageDumpBlock? stack)
    {
        Info = info;
        _debuggerData = debuggerData;
        _stack = stack;
    }

    public TriageDumpInfo Info { get; }

    /// <summary>Gets the file offset just past the triage data, SizeOfDump (a file offset, as all of them): where the secondary-data region starts.</summary>
    public long End => Info.SizeOfDump;

    public static TriageBody Read(StreamRegion file, DumpFileHeader header)
    {
        Span<byte> t = stackalloc byte[TriageDumpFormat.Size];
        var (parts, sizeOfDump, valid) = ReadStructure(file, t);
        // Windows points ContextOffset and ExceptionOffset at the header's own CONTEXT (0x348) and EXCEPTION_RECORD64
        // (0xF00): those two may lie anywhere in the file; every other part lies in the triage part.
        var fields = (TriageDumpFields)header.MiniDumpFields;
        var contextSize = header.MachineImageType == Arm64Context.MachineType ? Arm64Context.Size : DumpHeader64.ContextSize;
        parts.CheckAnywhere(TriageDumpFormat.ContextOffset, U32(t, TriageDumpFormat.ContextOffset), fields.HasFlag(TriageDumpFields.Context) ? (ulong)contextSize : 0UL, "ContextOffset");
        parts.CheckAnywhere(TriageDumpFormat.ExceptionOffset, U32(t, TriageDumpFormat.ExceptionOffset), fields.HasFlag(TriageDumpFields.Exception) ? KernelStructures.ExceptionRecord.Size : 0UL, "ExceptionOffset");
        var debugger = U32(t, TriageDumpFormat.DebuggerDataOffset);
        var debuggerSize = U32(t, TriageDumpFormat.DebuggerDataSize);
        parts.Check(TriageDumpFormat.DebuggerDataOffset, debugger, fields.HasFlag(TriageDumpFields.DebuggerData) ? debuggerSize : 0, "DebuggerDataOffset");
        var stackOffset = U32(t, TriageDumpFormat.CallStackOffset);
        var stackSize = U32(t, TriageDumpFormat.CallStackSize);
        var topOfStack = U64(t, TriageDumpFormat.TopOfStack);
        TriageDumpBlock? stack = null;
        if (fields.HasFlag(TriageDumpFields.Stack) && stackSize > 0)
        {
            parts.Check(TriageDumpFormat.CallStackOffset, stackOffset, stackSize, "CallStackOffset and CallStackSize");
            stack = Block(TriageDumpFormat.Offset + TriageDumpFormat.TopOfStack, topOfStack, stackOffset, stackSize);
        }

        var blocks = fields.HasFlag(TriageDumpFields.DataBlocks) ? ReadBlocks(file, parts, t) : [];
        TriageDumpBlock? dataPage = null;
        if (fields.HasFlag(TriageDumpFields.DataPage))
        {
            var offset = U32(t, TriageDumpFormat.DataPageOffset);
            var size = U32(t, TriageDumpFormat.DataPageSize);
            parts.Check(TriageDumpFormat.DataPageOffset, offset, size, "DataPageOffset");
            dataPage = Block(TriageDumpFormat.Offset + TriageDumpFormat.DataPageAddress, U64(t, TriageDumpFormat.DataPageAddress), offset, size);
        }

        var drivers = fields.HasFlag(TriageDumpFields.DriverList) ? ReadDrivers(file, parts, t) : [];
        var info = TriageDumpInfoReader.Read(t, fields, sizeOfDump, valid, drivers, blocks, dataPage);

        // KDDEBUGGER_DATA64's copy answers reads at the header's KdDebuggerDataBlock too: it is that memory.
        var kdbg = fields.HasFlag(TriageDumpFields.DebuggerData) && debuggerSize > 0 && header.KdDebuggerDataBlock != 0 && header.KdDebuggerDataBlock <= ulong.MaxValue - debuggerSize + 1
            ? new TriageDumpBlock(header.KdDebuggerDataBlock, debugger, debuggerSize)
            : (TriageDumpBlock?)null;
        return new TriageBody(info, kdbg, stack);
    }

    /// <summary>PAGEDUMP_TRIAGE at 0x1000 into <paramref name="t"/>: SizeOfDump, which bounds every part, and the TRGD marker at ValidOffset, which says the dump is whole.</summary>
    private static (TriageBounds Parts, uint SizeOfDump, uint Valid) ReadStructure(StreamRegion file, Span<byte> t)
    {
        const int At = TriageDumpFormat.Offset;
        if (file.Length < At + TriageDumpFormat.Size)
        {
            throw new InvalidDumpException(At, $"The file ends at 0x{file.Length:X}, inside the PAGEDUMP_TRIAGE structure at 0x{At:X} (0x{TriageDumpFormat.Size:X} bytes).");
        }

        file.ReadAt(At, t, "the PAGEDUMP_TRIAGE structure");
        // Every offset is from the start of the file, SizeOfDump too: it is where the triage part ends, ValidOffset + 4
        // (KERNEL-DUMP.md §8, verified on real files).
        var sizeOfDump = U32(t, TriageDumpFormat.SizeOfDump);
        if (sizeOfDump < TriageDumpFormat.End + sizeof(uint) || sizeOfDump > (ulong)file.Length)
        {
            throw Field(TriageDumpFormat.SizeOfDump, $"SizeOfDump 0x{sizeOfDump:X} must be a file offset past the PAGEDUMP_TRIAGE structure (0x{TriageDumpFormat.End:X}) and the TRGD marker, and inside the 0x{file.Length:X}-byte file.");
        }

        var parts = new TriageBounds(file.Length, sizeOfDump);
        var valid = U32(t, TriageDumpFormat.ValidOffset);
        parts.Check(TriageDumpFormat.ValidOffset, valid, sizeof(uint), "ValidOffset");
        Span<byte> marker = stackalloc byte[sizeof(uint)];
        file.ReadAt(valid, marker, "the TRIAGE_DUMP_VALID marker");
        if (BinaryPrimitives.ReadUInt32LittleEndian(marker) is not (TriageDumpFormat.ValidMarker or TriageDumpFormat.ValidMarkerSwapped))
        {
            throw new InvalidDumpException(valid, $"The u32 at ValidOffset 0x{valid:X} is not TRIAGE_DUMP_VALID (\"TRGD\"): not a whole small memory dump.");
        }

        return (parts, sizeOfDump, valid);
    }

    /// <summary>Reads virtual memory from the blocks, stopping at the first byte no block holds.</summary>
    public int ReadVirtual(StreamRegion file, ulong address, Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var i = Find(address);
            if (i < 0)
            {
                break;
            }

            var block = _byAddress![i];
            var within = address - block.Address;
            var length = (int)Math.Min((ulong)(destination.Length - done), block.Size - within);
            file.ReadAt(block.Offset + (long)within, destination.Slice(done, length), "a data block");
            done += length;
            address += (ulong)length;
            if (address == 0)
            {
                break; // the top of the address space
            }
        }

        return done;
    }

    private int Find(ulong address)
    {
        _byAddress ??= Index();
        int low = 0, high = _byAddress.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            if (_byAddress[mid].Address <= address)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return high >= 0 && _byAddress[high].Contains(address) ? high : -1;
    }

    private static TriageDumpBlock[] ReadBlocks(StreamRegion file, TriageBounds parts, ReadOnlySpan<byte> t)
    {
        var offset = U32(t, TriageDumpFormat.DataBlocksOffset);
        var count = U32(t, TriageDumpFormat.DataBlocksCount);
        if (count > MaxEntries)
        {
            throw Field(TriageDumpFormat.DataBlocksCount, $"DataBlocksCount {count:N0} is more than the {MaxEntries:N0} this reader holds; a small memory dump has a few hundred, and a sparse file must not claim the memory.");
        }

        parts.Check(TriageDumpFormat.DataBlocksCount, offset, (ulong)count * TriageDumpFormat.DataBlockSize, "DataBlocksCount");
        var blocks = new TriageDumpBlock[count];
        var chunk = new byte[Math.Min(count, 4096U) * TriageDumpFormat.DataBlockSize];
        for (var first = 0U; first < count;)
        {
            var rows = Math.Min(count - first, 4096U);
            var bytes = chunk.AsSpan(0, (int)rows * TriageDumpFormat.DataBlockSize);
            var at = offset + ((long)first * TriageDumpFormat.DataBlockSize);
            file.ReadAt(at, bytes, "the data-block table");
            for (var r = 0; r < rows; r++)
            {
                var row = bytes[(r * TriageDumpFormat.DataBlockSize)..];
                var rowAt = at + (r * TriageDumpFormat.DataBlockSize);
                blocks[first + r] = Block(rowAt, U64(row, 0), U32(row, 8), U32(row, 12));
                parts.Section(rowAt + 8, U32(row, 8), U32(row, 12), "a data block's Offset and Size");
            }

            first += rows;
        }

        return blocks;
    }

    private static TriageDumpBlock Block(long fieldAt, ulong address, uint offset, uint size) =>
        size > 0 && address > ulong.MaxValue - size + 1
            ? throw new InvalidDumpException(fieldAt, $"The block at 0x{address:X} of 0x{size:X} bytes runs past the top of the address space.")
            : new TriageDumpBlock(address, offset, size);

    private static TriageDumpDriver[] ReadDrivers(StreamRegion file, TriageBounds parts, ReadOnlySpan<byte> t)
    {
        var list = U32(t, TriageDumpFormat.DriverListOffset);
        var count = U32(t, TriageDumpFormat.DriverCount);
        if (count > MaxEntries)
        {
            throw Field(TriageDumpFormat.DriverCount, $"DriverCount {count:N0} is more than the {MaxEntries:N0} this reader holds; a machine loads a few hundred drivers, and a sparse file must not claim the memory.");
        }

        var pool = U32(t, TriageDumpFormat.StringPoolOffset);
        var poolSize = U32(t, TriageDumpFormat.StringPoolSize);
        parts.Check(TriageDumpFormat.StringPoolOffset, pool, poolSize, "StringPoolOffset");
        var stride = Stride(list, count, pool);
        parts.Check(TriageDumpFormat.DriverCount, list, (ulong)count * (ulong)stride, "DriverCount");
        if (count > 0 && pool > list && (ulong)list + ((ulong)count * (ulong)stride) > pool)
        {
            throw Field(TriageDumpFormat.DriverCount, $"{count} driver entries of 0x{stride:X} bytes from 0x{list:X} run into the string pool at 0x{pool:X}.");
        }
        var drivers = new TriageDumpDriver[count];
        Span<byte> entry = stackalloc byte[TriageDumpFormat.MinDriverStride];
        var name = new StringBuilder();
        var names = new Dictionary<uint, string>(); // entries may share a name; distinct names are read once
        var nameBytes = 0UL;
        for (var i = 0U; i < count; i++)
        {
            var at = list + ((long)i * stride);
            file.ReadAt(at, entry, "a driver-list entry");
            var nameOffset = U32(entry, 0);
            if (!names.TryGetValue(nameOffset, out var text))
            {
                text = ReadName(file, at, nameOffset, pool, poolSize, name);
                nameBytes += sizeof(uint) + ((ulong)text.Length * 2);
                if (nameBytes > poolSize)
                {
                    // Names that overlap could make n entries read n names of the pool's length each.
                    throw new InvalidDumpException(at, $"The driver names read so far take 0x{nameBytes:X} bytes, more than the 0x{poolSize:X}-byte string pool holds: they overlap.");
                }

                names[nameOffset] = text;
            }

            var ldr = entry[TriageDumpFormat.DriverEntryHeader..];
            drivers[i] = new TriageDumpDriver(
                text,
                U64(ldr, KernelStructures.KldrEntry.DllBase),
                U32(ldr, KernelStructures.KldrEntry.SizeOfImage),
                at);
        }

        return drivers;
    }

    /// <summary>
    /// The driver-list stride: the gap between the list and the string pool over the count when the pool directly follows
    /// the list (as Windows writes it) and the gap is a whole number of entries of at least 0x90 bytes (a later build may
    /// copy more of KLDR_DATA_TABLE_ENTRY, none copies less), else 0x90, the stride of builds 19041 and 22000 (verified on
    /// real files).
    /// </summary>
    private static long Stride(uint list, uint count, uint pool)
    {
        if (count > 0 && pool > list)
        {
            var gap = (pool - list) / count;
            if (gap >= TriageDumpFormat.DriverStride && gap <= 0x400 && gap % 8 == 0 && (pool - list) % count == 0)
            {
                return gap;
            }
        }

        return TriageDumpFormat.DriverStride;
    }

    /// <summary>Reads a <c>DUMP_STRING</c> (u32 Length in UTF-16 units, the units) that must lie in the string pool.</summary>
    private static string ReadName(StreamRegion file, long entryAt, uint offset, uint pool, uint poolSize, StringBuilder name)
    {
        var poolEnd = (ulong)pool + poolSize;
        if (offset < pool || (ulong)offset + sizeof(uint) > poolEnd)
        {
            throw new InvalidDumpException(entryAt, $"The driver's name offset 0x{offset:X} is not in the string pool 0x{pool:X}..0x{poolEnd:X}.");
        }

        Span<byte> length = stackalloc byte[sizeof(uint)];
        file.ReadAt(offset, length, "a DUMP_STRING length");
        var units = BinaryPrimitives.ReadUInt32LittleEndian(length);
        if ((ulong)units * 2 > poolEnd - offset - sizeof(uint))
        {
            throw new InvalidDumpException(offset, $"The DUMP_STRING's Length {units} (UTF-16 units) runs past the string pool's end at 0x{poolEnd:X}.");
        }

        name.Clear();
        Span<byte> piece = stackalloc byte[512];
        for (var done = 0UL; done < units * 2UL;)
        {
            var take = (int)Math.Min((ulong)piece.Length, (units * 2UL) - done);
            file.ReadAt(offset + sizeof(uint) + (long)done, piece[..take], "a DUMP_STRING");
            for (var c = 0; c + 1 < take; c += 2)
            {
                name.Append((char)BinaryPrimitives.ReadUInt16LittleEndian(piece[c..]));
            }

            done += (ulong)take;
        }

        return name.ToString();
    }

    /// <summary>
    /// The blocks, the data page and the KDBG copy sorted by address with overlaps clipped (the block starting lower keeps
    /// the bytes both hold), for binary search: one array, sorted and compacted in place.
    /// </summary>
    private Piece[] Index()
    {
        var blocks = Info.DataBlocks;
        var index = new Piece[blocks.Count + 3];
        var count = 0;
        foreach (var block in blocks)
        {
            index[count++] = new Piece(block.Address, block.Offset, block.Size);
        }

        if (Info.DataPage is { } page)
        {
            index[count++] = new Piece(page.Address, page.Offset, page.Size);
        }

        if (_stack is { } stack)
        {
            index[count++] = new Piece(stack.Address, stack.Offset, stack.Size);
        }

        if (_debuggerData is { } kdbg)
        {
            index[count++] = new Piece(kdbg.Address, kdbg.Offset, kdbg.Size);
        }

        Array.Sort(index, 0, count, ByAddressThenLarger.Instance);
        var kept = 0;
        var end = 0UL;
        for (var i = 0; i < count; i++)
        {
            var block = index[i];
            var blockEnd = block.Address + block.Size; // 0 when it ends at the top of the address space
            if (block.Size == 0 || (kept > 0 && (end == 0 || (blockEnd != 0 && blockEnd <= end))))
            {
                continue; // empty, or wholly inside what is indexed
            }

            var cut = kept > 0 && block.Address < end ? end - block.Address : 0;
            index[kept++] = new Piece(block.Address + cut, block.Offset + (long)cut, (uint)(block.Size - cut));
            end = blockEnd;
        }

        Array.Resize(ref index, kept);
        return index;
    }

    /// <summary>A run of virtual memory held at a file offset (a block, or the part of one an overlap left).</summary>
    private readonly record struct Piece(ulong Address, long Offset, uint Size)
    {
        public bool Contains(ulong address) => address >= Address && address - Address < Size;
    }

    private sealed class ByAddressThenLarger : IComparer<Piece>
    {
        public static readonly ByAddressThenLarger Instance = new();

        public int Compare(Piece x, Piece y) => x.Address != y.Address ? x.Address.CompareTo(y.Address) : y.Size.CompareTo(x.Size);
    }

    /// <summary>The most drivers or data blocks a small memory dump may list: each is held in memory, whatever the file's length says.</summary>
    internal const uint MaxEntries = 1 << 20;

    private static InvalidDumpException Field(int field, string reason) => new(TriageDumpFormat.Offset + field, reason);

    private static uint U32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);
}
