using System.Buffers.Binary;
using System.Text;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// A second reader of small memory dumps (DumpType 4), written from KERNEL-DUMP.md §8 alone and sharing no code with the
/// library's, so the two can be compared on every small dump the tests write. Simple on purpose: the whole file in
/// memory, linear searches, and a FluentAssertions failure for anything it does not expect.
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
