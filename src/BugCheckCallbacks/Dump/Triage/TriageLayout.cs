using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Lays out and streams the triage data of a small memory dump as Windows lays it out (KERNEL-DUMP.md §8, verified on
/// two small dumps Windows wrote): <c>PAGEDUMP_TRIAGE</c> at 0x2000 whose offsets are all from the start of the file;
/// ContextOffset and ExceptionOffset pointing at the header's own records (0x348, 0xF00); then, in Windows' order, the
/// memory-manager and unloaded-driver parts, the PRCB, process and thread parts, the call stack, the
/// <c>KDDEBUGGER_DATA64</c> copy, the driver list (0x90-byte entries) and its string pool of full paths, the data-block
/// table, the data page, the blocks' bytes, and last the <c>TRIAGE_DUMP_VALID</c> marker: SizeOfDump = ValidOffset + 4,
/// where the secondary-data region starts. Offsets are computed once, up front; the bytes are produced as they are
/// written, so memory use does not grow with the blocks.
/// </summary>
/// <remarks>
/// The simulation has no <c>MMINFO</c>, unloaded-driver list, <c>KPRCB</c>, <c>EPROCESS</c> or <c>ETHREAD</c>: those parts
/// are placeholders of zeros, at the offsets and in the order Windows uses, so a reader finds each part where it looks
/// (docs/dump-format.md lists them). The triage data ends on a page boundary.
/// </remarks>
internal sealed class TriageLayout
{
    /// <summary>The sizes of the placeholder parts: MMINFO and the unloaded-driver list as in the real x64 file, 0x100 bytes of each structure.</summary>
    public const int MmInfoSize = 0x50;
    public const int UnloadedDriversSize = 0xE8;
    public const int PlaceholderSize = 0x100;

    /// <summary>The most bytes of the crashing thread's stack copied: to the end of its stack pointer's page, at most this.</summary>
    public const uint MaxCallStack = 0x2000;

    private const int PageSize = (int)X64Paging.PageSize;
    private static readonly byte[] s_zeros = new byte[PageSize];

    private readonly TriageContent _content;
    private readonly uint[] _nameOffsets;
    private readonly uint[] _blockOffsets;
    private readonly int _blockCount; // the blocks that fit below 4 GiB of offsets (u32 fields)
    private readonly uint _mm;
    private readonly uint _unloaded;
    private readonly uint _prcb;
    private readonly uint _process;
    private readonly uint _thread;
    private readonly uint _stack;
    private readonly uint _stackSize;
    private readonly uint _debuggerData;
    private readonly uint _driverList;
    private readonly uint _stringPool;
    private readonly uint _stringPoolSize;
    private readonly uint _dataBlocks;
    private readonly uint _dataPage;
    private readonly uint _valid;

    public TriageLayout(TriageContent content)
    {
        _content = content;
        var at = (ulong)TriageDumpFormat.End;
        _mm = Take(ref at, MmInfoSize);
        _unloaded = Take(ref at, UnloadedDriversSize);
        _prcb = Take(ref at, PlaceholderSize);
        _process = Take(ref at, PlaceholderSize);
        _thread = Take(ref at, PlaceholderSize);
        _stackSize = content.TopOfStack == 0 ? 0 : (uint)Math.Min(MaxCallStack, PageSize - (content.TopOfStack & (PageSize - 1)));
        _stack = _stackSize == 0 ? 0 : Take(ref at, _stackSize);
        _debuggerData = content.DebuggerData == 0 ? 0 : Take(ref at, TriageDumpFormat.DebuggerDataLength);
        _driverList = Take(ref at, (ulong)content.Drivers.Count * TriageDumpFormat.DriverStride);
        _stringPool = (uint)at;
        _nameOffsets = new uint[content.Drivers.Count];
        for (var i = 0; i < _nameOffsets.Length; i++)
        {
            _nameOffsets[i] = (uint)at; // back to back, as Windows packs them
            at += StringBytes(content.Drivers[i].Name);
        }

        _stringPoolSize = (uint)(at - _stringPool);
        at = (at + 7) & ~7UL;
        _dataBlocks = Take(ref at, (ulong)content.Blocks.Count * TriageDumpFormat.DataBlockSize);
        if (content.DataPage != 0)
        {
            at = AlignToPage(at);
            _dataPage = Take(ref at, PageSize);
        }

        _blockOffsets = new uint[content.Blocks.Count];
        for (; _blockCount < _blockOffsets.Length; _blockCount++)
        {
            var size = content.Blocks[_blockCount].Size;
            if (at + size + PageSize > uint.MaxValue)
            {
                break; // the u32 offsets end here: the rest of the blocks are left out
            }

            _blockOffsets[_blockCount] = Take(ref at, size);
        }

        _valid = (uint)(AlignToPage(at + sizeof(uint)) - sizeof(uint));
        SizeOfDump = (uint)((ulong)_valid + sizeof(uint));
    }

    /// <summary>Gets SizeOfDump: the file offset just past the triage data (ValidOffset + 4, as Windows writes it), a multiple of the page size.</summary>
    public uint SizeOfDump { get; }

    /// <summary>Gets the header's <c>MiniDumpFields</c>: exactly the parts this layout holds (placeholders included).</summary>
    public TriageDumpFields Fields =>
        TriageDumpFields.Context | TriageDumpFields.Exception | TriageDumpFields.Prcb | TriageDumpFields.Process | TriageDumpFields.Thread |
        TriageDumpFields.MmInfo | TriageDumpFields.DriverList | TriageDumpFields.DataBlocks |
        (_stackSize != 0 ? TriageDumpFields.Stack : 0) | (_debuggerData != 0 ? TriageDumpFields.DebuggerData : 0) | (_dataPage != 0 ? TriageDumpFields.DataPage : 0);

    /// <summary>Produces the triage data in file order, from 0x2000 (the header's CONTEXT and exception are the dump's own: they are not copied).</summary>
    public void Write(Action<ReadOnlySpan<byte>> append)
    {
        Span<byte> buffer = stackalloc byte[PageSize];
        var output = new Output(append, _content.Memory);
        WriteStructure(buffer[..TriageDumpFormat.Size]);
        output.Emit(buffer[..TriageDumpFormat.Size]);
        output.Pad(_thread + PlaceholderSize); // MMINFO, the unloaded drivers, KPRCB, EPROCESS and ETHREAD: placeholders of zeros
        if (_stackSize != 0)
        {
            output.Pad(_stack);
            output.Copy(_content.TopOfStack, _stackSize);
        }

        if (_debuggerData != 0)
        {
            output.Pad(_debuggerData);
            output.Copy(_content.DebuggerData, TriageDumpFormat.DebuggerDataLength);
        }

        WriteDrivers(output, buffer);
        WriteBlocks(output, buffer);
        output.Pad(_valid);
        Span<byte> marker = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(marker, TriageDumpFormat.ValidMarker);
        output.Emit(marker);
    }

    /// <summary>The driver list (one entry per driver, its KLDR_DATA_TABLE_ENTRY copied after the name's offset), then each name as a DUMP_STRING.</summary>
    private void WriteDrivers(Output output, Span<byte> buffer)
    {
        output.Pad(_driverList);
        var entry = buffer[..TriageDumpFormat.DriverStride];
        for (var i = 0; i < _content.Drivers.Count; i++)
        {
            entry.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(entry, _nameOffsets[i]);
            _content.Memory.ReadVirtual(_content.Drivers[i].Entry, entry[TriageDumpFormat.DriverEntryHeader..]);
            output.Emit(entry);
        }

        for (var i = 0; i < _content.Drivers.Count; i++)
        {
            output.Pad(_nameOffsets[i]);
            output.WriteString(_content.Drivers[i].Name, buffer);
        }
    }

    /// <summary>The data block table (a row per block asked for, zeros for those that did not fit), the data page, then each block's bytes.</summary>
    private void WriteBlocks(Output output, Span<byte> buffer)
    {
        output.Pad(_dataBlocks);
        var row = buffer[..TriageDumpFormat.DataBlockSize];
        for (var i = 0; i < _content.Blocks.Count; i++)
        {
            row.Clear();
            if (i < _blockCount)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(row, _content.Blocks[i].Address);
                BinaryPrimitives.WriteUInt32LittleEndian(row[8..], _blockOffsets[i]);
                BinaryPrimitives.WriteUInt32LittleEndian(row[12..], _content.Blocks[i].Size);
            }

            output.Emit(row);
        }

        if (_dataPage != 0)
        {
            output.Pad(_dataPage);
            output.Copy(_content.DataPage & ~(ulong)(PageSize - 1), PageSize);
        }

        for (var i = 0; i < _blockCount; i++)
        {
            output.Pad(_blockOffsets[i]);
            output.Copy(_content.Blocks[i].Address, _content.Blocks[i].Size);
        }
    }

    /// <summary>The small dump's bytes as they are appended, from the triage structure's offset: zeros up to a part, a part's bytes from memory, a string.</summary>
    private sealed class Output(Action<ReadOnlySpan<byte>> append, IVirtualMemorySource memory)
    {
        private long _at = TriageDumpFormat.Offset;

        public void Emit(ReadOnlySpan<byte> bytes)
        {
            append(bytes);
            _at += bytes.Length;
        }

        public void Pad(uint to)
        {
            while (_at < to)
            {
                Emit(s_zeros.AsSpan(0, (int)Math.Min(PageSize, to - _at)));
            }
        }

        public void Copy(ulong address, uint size)
        {
            Span<byte> page = stackalloc byte[PageSize];
            for (var done = 0U; done < size;)
            {
                var length = (int)Math.Min(PageSize, size - done);
                memory.ReadVirtual(address + done, page[..length]);
                Emit(page[..length]);
                done += (uint)length;
            }
        }

        public void WriteString(string name, Span<byte> scratch)
        {
            // DUMP_STRING: u32 Length in UTF-16 code units (the NUL not counted), the units, a NUL.
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)name.Length);
            Emit(scratch[..sizeof(uint)]);
            var units = MemoryMarshal.AsBytes(name.AsSpan());
            if (BitConverter.IsLittleEndian)
            {
                Emit(units);
            }
            else
            {
                foreach (var c in name)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(scratch, c);
                    Emit(scratch[..2]);
                }
            }

            Emit(s_zeros.AsSpan(0, 2));
        }
    }

    private void WriteStructure(Span<byte> triage)
    {
        triage.Clear();
        U32(triage, TriageDumpFormat.SizeOfDump, SizeOfDump);
        U32(triage, TriageDumpFormat.ValidOffset, _valid);
        U32(triage, TriageDumpFormat.ContextOffset, DumpHeader64.ContextRecord);
        U32(triage, TriageDumpFormat.ExceptionOffset, DumpHeader64.Exception);
        U32(triage, TriageDumpFormat.MmOffset, _mm);
        U32(triage, TriageDumpFormat.UnloadedDriversOffset, _unloaded);
        U32(triage, TriageDumpFormat.PrcbOffset, _prcb);
        U32(triage, TriageDumpFormat.ProcessOffset, _process);
        U32(triage, TriageDumpFormat.ThreadOffset, _thread);
        U32(triage, TriageDumpFormat.CallStackOffset, _stack);
        U32(triage, TriageDumpFormat.CallStackSize, _stackSize);
        U32(triage, TriageDumpFormat.DriverListOffset, _driverList);
        U32(triage, TriageDumpFormat.DriverCount, (uint)_content.Drivers.Count);
        U32(triage, TriageDumpFormat.StringPoolOffset, _stringPool);
        U32(triage, TriageDumpFormat.StringPoolSize, _stringPoolSize);
        U32(triage, TriageDumpFormat.TriageOptions, uint.MaxValue); // as Windows writes it
        BinaryPrimitives.WriteUInt64LittleEndian(triage[TriageDumpFormat.TopOfStack..], _stackSize == 0 ? 0 : _content.TopOfStack);
        if (_dataPage != 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(triage[TriageDumpFormat.DataPageAddress..], _content.DataPage & ~(ulong)(PageSize - 1));
            U32(triage, TriageDumpFormat.DataPageOffset, _dataPage);
            U32(triage, TriageDumpFormat.DataPageSize, (uint)PageSize);
        }

        U32(triage, TriageDumpFormat.DebuggerDataOffset, _debuggerData);
        U32(triage, TriageDumpFormat.DebuggerDataSize, _debuggerData == 0 ? 0U : TriageDumpFormat.DebuggerDataLength);
        U32(triage, TriageDumpFormat.DataBlocksOffset, _dataBlocks);
        U32(triage, TriageDumpFormat.DataBlocksCount, (uint)_blockCount);
    }

    private static void U32(Span<byte> triage, int field, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(triage[field..], value);

    /// <summary>Returns the 8-aligned offset for <paramref name="size"/> bytes at <paramref name="at"/> and moves past them.</summary>
    private static uint Take(ref ulong at, ulong size)
    {
        var offset = at;
        at = (at + size + 7) & ~7UL;
        return offset > uint.MaxValue
            ? throw new InvalidOperationException($"The small memory dump's triage data passes 4 GiB at 0x{offset:X}: its offsets are 32-bit.")
            : (uint)offset;
    }

    private static ulong StringBytes(string name) => sizeof(uint) + ((ulong)name.Length * 2) + 2;

    private static ulong AlignToPage(ulong value) => (value + (PageSize - 1)) & ~(ulong)(PageSize - 1);
}
