using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Lays out and streams the triage data of a small memory dump, from 0x2000: <c>PAGEDUMP_TRIAGE</c>, copies of the
/// <c>CONTEXT</c>, the exception and <c>KDDEBUGGER_DATA64</c>, the driver list and its string pool, the data-block table,
/// the data page, the blocks' bytes, and last the <c>TRIAGE_DUMP_VALID</c> marker, so the triage data ends on a page
/// boundary where the secondary-data region starts. Every section is 8-byte aligned. Offsets are computed once, up front;
/// the bytes are produced as they are written, so memory use does not grow with the blocks.
/// </summary>
internal sealed class TriageLayout
{
    private const int PageSize = (int)X64Paging.PageSize;
    private static readonly byte[] s_zeros = new byte[PageSize];

    private readonly TriageContent _content;
    private readonly uint[] _nameOffsets;
    private readonly uint[] _blockOffsets;
    private readonly int _blockCount; // the blocks that fit below 4 GiB of offsets (u32 fields)
    private readonly uint _context;
    private readonly uint _exception;
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
        var at = (ulong)TriageDumpFormat.Offset + TriageDumpFormat.Size;
        _context = Take(ref at, DumpHeader64.ContextSize);
        _exception = Take(ref at, KernelStructures.ExceptionRecord.Size);
        _debuggerData = content.DebuggerData == 0 ? 0 : Take(ref at, TriageDumpFormat.DebuggerDataLength);
        _driverList = Take(ref at, (ulong)content.Drivers.Count * TriageDumpFormat.DriverStride);
        _stringPool = (uint)at;
        _nameOffsets = new uint[content.Drivers.Count];
        for (var i = 0; i < _nameOffsets.Length; i++)
        {
            _nameOffsets[i] = Take(ref at, StringBytes(content.Drivers[i].Name));
        }

        _stringPoolSize = (uint)(at - _stringPool);
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

    /// <summary>Gets the header's <c>MiniDumpFields</c>: the parts this layout holds.</summary>
    public TriageDumpFields Fields =>
        TriageDumpFields.Context | TriageDumpFields.Exception | TriageDumpFields.DriverList | TriageDumpFields.DataBlocks |
        (_debuggerData != 0 ? TriageDumpFields.DebuggerData : 0) | (_dataPage != 0 ? TriageDumpFields.DataPage : 0);

    /// <summary>Produces the triage data in file order; <paramref name="header"/> is the dump's header, whose CONTEXT and exception are copied.</summary>
    public void Write(ReadOnlySpan<byte> header, Action<ReadOnlySpan<byte>> append)
    {
        Span<byte> buffer = stackalloc byte[PageSize];
        var at = (long)TriageDumpFormat.Offset;
        WriteStructure(buffer[..TriageDumpFormat.Size]);
        Emit(buffer[..TriageDumpFormat.Size]);
        Emit(header.Slice(DumpHeader64.ContextRecord, DumpHeader64.ContextSize));
        Emit(header.Slice(DumpHeader64.Exception, KernelStructures.ExceptionRecord.Size));
        if (_debuggerData != 0)
        {
            Copy(_content.DebuggerData, TriageDumpFormat.DebuggerDataLength);
        }

        var entry = buffer[..TriageDumpFormat.DriverStride];
        for (var i = 0; i < _content.Drivers.Count; i++)
        {
            entry.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(entry, _nameOffsets[i]);
            _content.Memory.ReadVirtual(_content.Drivers[i].Entry, entry[TriageDumpFormat.DriverEntryHeader..]);
            Emit(entry);
        }

        for (var i = 0; i < _content.Drivers.Count; i++)
        {
            Pad(_nameOffsets[i]);
            WriteString(_content.Drivers[i].Name, buffer);
        }

        Pad(_dataBlocks);
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

            Emit(row);
        }

        if (_dataPage != 0)
        {
            Pad(_dataPage);
            Copy(_content.DataPage & ~(ulong)(PageSize - 1), PageSize);
        }

        for (var i = 0; i < _blockCount; i++)
        {
            Pad(_blockOffsets[i]);
            Copy(_content.Blocks[i].Address, _content.Blocks[i].Size);
        }

        Pad(_valid);
        Span<byte> marker = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(marker, TriageDumpFormat.ValidMarker);
        Emit(marker);

        void Emit(ReadOnlySpan<byte> bytes)
        {
            append(bytes);
            at += bytes.Length;
        }

        void Pad(uint to)
        {
            while (at < to)
            {
                Emit(s_zeros.AsSpan(0, (int)Math.Min(PageSize, to - at)));
            }
        }

        void Copy(ulong address, uint size)
        {
            Span<byte> page = stackalloc byte[PageSize];
            for (var done = 0U; done < size;)
            {
                var length = (int)Math.Min(PageSize, size - done);
                _content.Memory.ReadVirtual(address + done, page[..length]);
                Emit(page[..length]);
                done += (uint)length;
            }
        }

        void WriteString(string name, Span<byte> scratch)
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
        U32(triage, TriageDumpFormat.ContextOffset, _context);
        U32(triage, TriageDumpFormat.ExceptionOffset, _exception);
        U32(triage, TriageDumpFormat.DriverListOffset, _driverList);
        U32(triage, TriageDumpFormat.DriverCount, (uint)_content.Drivers.Count);
        U32(triage, TriageDumpFormat.StringPoolOffset, _stringPool);
        U32(triage, TriageDumpFormat.StringPoolSize, _stringPoolSize);
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
