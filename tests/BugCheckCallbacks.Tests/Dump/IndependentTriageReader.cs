using System.Buffers.Binary;
using System.Text;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// A second reader of small memory dumps (DumpType 4), written from KERNEL-DUMP.md §8 alone (the facts observed in two
/// small dumps Windows wrote) and sharing no code with the library's, so the two can be compared on real files, on the
/// Windows-shaped fixtures and on every small dump the tests write. Simple on purpose: the whole file in memory, linear
/// searches, and a FluentAssertions failure for anything it does not expect.
/// </summary>
internal sealed class IndependentTriageReader
{
    private const int Triage = 0x2000;
    private readonly byte[] _file;

    public IndependentTriageReader(byte[] file)
    {
        _file = file;
        Encoding.ASCII.GetString(file, 0, 8).Should().Be("PAGEDU64");
        U32(0xF98).Should().Be(4u, "a small memory dump");
        Fields = U32(0x1038);
        SizeOfDump = U32(Triage + 0x04);
        var valid = (int)U32(Triage + 0x08);
        Encoding.ASCII.GetString(file, valid, 4).Should().Be("TRGD", "TRIAGE_DUMP_VALID, the u32 'DGRT', at ValidOffset");
        ContextOffset = U32(Triage + 0x0C);
        ExceptionOffset = U32(Triage + 0x10);
        DebuggerDataOffset = U32(Triage + 0x70);
        DataPageAddress = U64(Triage + 0x60);
        DataPageOffset = U32(Triage + 0x68);
        TopOfStack = U64(Triage + 0x48);
        CallStackOffset = U32(Triage + 0x28);
        CallStackSize = U32(Triage + 0x2C);
        DebuggerDataSize = U32(Triage + 0x74);
        Machine = U32(0x30);
        ValidOffset = (uint)valid;
        ((ulong)SizeOfDump).Should().Be((ulong)valid + 4, "SizeOfDump = ValidOffset + 4, both file offsets");

        var list = (int)U32(Triage + 0x30);
        var count = (int)U32(Triage + 0x34);
        var pool = (int)U32(Triage + 0x38);
        var stride = count == 0 ? 0 : (pool - list) / count; // the pool follows the list (the stride is not fixed across builds)
        for (var i = 0; i < count; i++)
        {
            var entry = list + (i * stride);
            var name = (int)U32(entry);
            var units = (int)U32(name);
            var ldr = entry + 8;
            Drivers.Add((Encoding.Unicode.GetString(file, name + 4, units * 2), U64(ldr + 0x30), U32(ldr + 0x40)));
        }

        var blocks = (int)U32(Triage + 0x78);
        for (var i = 0; i < (int)U32(Triage + 0x7C); i++)
        {
            var row = blocks + (i * 16);
            Blocks.Add((U64(row), (int)U32(row + 8), (int)U32(row + 12)));
        }
    }

    public uint Fields { get; }

    public uint SizeOfDump { get; }

    public uint ContextOffset { get; }

    public uint ExceptionOffset { get; }

    public uint DebuggerDataOffset { get; }

    public ulong DataPageAddress { get; }

    public uint DataPageOffset { get; }

    public uint ValidOffset { get; }

    public ulong TopOfStack { get; }

    public uint CallStackOffset { get; }

    public uint CallStackSize { get; }

    public uint DebuggerDataSize { get; }

    public uint Machine { get; }

    /// <summary>The context's program counter and stack pointer: x64 Rip (+0xF8) and Rsp (+0x98); ARM64 Pc (+0x108) and Sp (+0x100).</summary>
    public (ulong Pc, ulong Sp) Context => Machine == 0xAA64
        ? (U64((int)ContextOffset + 0x108), U64((int)ContextOffset + 0x100))
        : (U64((int)ContextOffset + 0xF8), U64((int)ContextOffset + 0x98));

    /// <summary>The call stack: CallStackSize bytes of the crashing thread's stack from TopOfStack up.</summary>
    public byte[] Stack => _file.AsSpan((int)CallStackOffset, (int)CallStackSize).ToArray();

    /// <summary>The KDDEBUGGER_DATA64 copy.</summary>
    public byte[] DebuggerData => _file.AsSpan((int)DebuggerDataOffset, (int)DebuggerDataSize).ToArray();

    /// <summary>The region header's build field, or null when no DumpBlob region follows the triage data.</summary>
    public uint? RegionBuildField => RegionOffset + 0x10 <= _file.Length && Encoding.ASCII.GetString(_file, RegionOffset, 8) == "DumpBlob" ? U32(RegionOffset + 12) : null;

    /// <summary>The DumpBlob region's blobs as (tag, data), from SizeOfDump to the end of the file.</summary>
    public List<(Guid Tag, byte[] Data)> Blobs()
    {
        var blobs = new List<(Guid, byte[])>();
        if (RegionBuildField is null)
        {
            return blobs;
        }

        for (var at = RegionOffset + 0x10; at + 0x20 <= _file.Length && U32(at) == 0x20;)
        {
            var size = (int)U32(at + 20);
            var prePad = (int)U32(at + 24);
            blobs.Add((new Guid(_file.AsSpan(at + 4, 16)), _file.AsSpan(at + 0x20 + prePad, size).ToArray()));
            at += 0x20 + prePad + size + (int)U32(at + 28);
        }

        return blobs;
    }

    public List<(string Name, ulong Base, uint Size)> Drivers { get; } = [];

    public List<(ulong Address, int Offset, int Size)> Blocks { get; } = [];

    /// <summary>Where the secondary-data region starts: at SizeOfDump, a file offset like every triage offset (KERNEL-DUMP.md §8).</summary>
    public int RegionOffset => (int)SizeOfDump;

    /// <summary>The bytes of the first block that holds all of [address, address + length), or null.</summary>
    public byte[]? Read(ulong address, int length)
    {
        foreach (var (start, offset, size) in Blocks)
        {
            if (address >= start && address + (ulong)length <= start + (ulong)size)
            {
                return _file.AsSpan(offset + (int)(address - start), length).ToArray();
            }
        }

        return null;
    }

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_file.AsSpan(offset));

    private ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(_file.AsSpan(offset));
}
