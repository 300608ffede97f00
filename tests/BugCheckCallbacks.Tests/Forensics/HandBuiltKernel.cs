using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Dump;

namespace BugCheckCallbacks.Tests.Forensics;

/// <summary>
/// A run-based dump built by hand, not by the writer: frame 0 is the PML4 (the DTB), frames 1–3 a PDPT, a page directory
/// and a page table mapping <see cref="Base"/> + i pages to frame 4 + i. Tests write kernel structures into it to lie.
/// </summary>
internal sealed class HandBuiltKernel
{
    public const ulong Base = 0xFFFF800000000000;
    private const int Tables = 4;
    private readonly byte[] _file;

    public HandBuiltKernel(int dataPages)
    {
        _file = DumpFileTests.HandMadeDump(Tables + dataPages); // run-based, frames 0.., DTB 0
        Physical(256 * 8, (1 << 12) | 0x63); // PML4[256] → PDPT
        Physical(0x1000, (2 << 12) | 0x63); // PDPT[0] → PD
        Physical(0x2000, (3 << 12) | 0x63); // PD[0] → PT
        for (var i = 0; i < dataPages; i++)
        {
            Physical(0x3000 + (i * 8), ((ulong)(Tables + i) << 12) | 0x63);
        }
    }

    /// <summary>Sets a header field.</summary>
    public HandBuiltKernel Header(int offset, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_file.AsSpan(offset), value);
        return this;
    }

    /// <summary>Writes a u64 at physical address <paramref name="address"/>.</summary>
    public HandBuiltKernel Physical(int address, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_file.AsSpan(0x2000 + address), value);
        return this;
    }

    /// <summary>Writes a u64 at virtual address <see cref="Base"/> + <paramref name="offset"/>.</summary>
    public HandBuiltKernel At(ulong offset, ulong value) => Physical((Tables * 0x1000) + (int)offset, value);

    /// <summary>Writes bytes at virtual address <see cref="Base"/> + <paramref name="offset"/>.</summary>
    public HandBuiltKernel At(ulong offset, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_file.AsSpan(0x2000 + (Tables * 0x1000) + (int)offset));
        return this;
    }

    /// <summary>Writes a reason record at <see cref="Base"/> + <paramref name="offset"/> with a valid checksum.</summary>
    public HandBuiltKernel ReasonRecord(ulong offset, ulong flink, ulong blink, ulong routine, int reason, ulong component, byte state = 1)
    {
        At(offset, flink).At(offset + 8, blink).At(offset + 0x10, routine).At(offset + 0x18, component).At(offset + 0x20, unchecked(routine + (ulong)reason + component));
        At(offset + 0x28, (ulong)(uint)reason | ((ulong)state << 32));
        return this;
    }

    public DumpFile Open() => DumpFile.Open(new MemoryStream(_file, writable: false));

    /// <summary>Page-table entry <paramref name="index"/> of the PML4 set to <paramref name="entry"/> (to alias tables).</summary>
    public HandBuiltKernel Pml4(int index, ulong entry) => Physical(index * 8, entry);

    /// <summary>Page-table entry <paramref name="index"/> of the PDPT set to <paramref name="entry"/>.</summary>
    public HandBuiltKernel Pdpt(int index, ulong entry) => Physical(0x1000 + (index * 8), entry);
}
