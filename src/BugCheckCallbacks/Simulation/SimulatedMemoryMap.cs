using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents which virtual and physical ranges exist in the simulated machine and what they hold, so that AddPages,
/// RemovePages and triage ranges can be checked and their pages written.
/// </summary>
public sealed class SimulatedMemoryMap
{
    /// <summary>The default map: kernel space 0xFFFF8000_00000000 and up, and 16 GiB of physical memory from 0.</summary>
    public static SimulatedMemoryMap Default { get; } = new(
    [
        new MemoryRegion(AddressSpace.Virtual, new AddressRange(0xFFFF800000000000, 0x0000800000000000)),
        new MemoryRegion(AddressSpace.Physical, new AddressRange(0, 0x400000000)),
    ]);

    private readonly MemoryRegion[] _regions;

    /// <summary>Initializes a map from its regions.</summary>
    /// <param name="regions">The ranges that exist; they must not wrap the address space or overlap within one space.</param>
    /// <exception cref="ArgumentNullException"><paramref name="regions"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">A region is empty, wraps, overlaps another, has an undefined space, or has more content than size.</exception>
    public SimulatedMemoryMap(IEnumerable<MemoryRegion> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var list = regions.ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            var region = list[i] ?? throw new ArgumentNullException(nameof(regions), $"regions[{i}] is null.");
            if (region.Space is not (AddressSpace.Virtual or AddressSpace.Physical))
            {
                throw new ArgumentException($"regions[{i}].Space {(int)region.Space} is not a defined AddressSpace.", nameof(regions));
            }

            if (region.Range.Size == 0 || region.Range.Size - 1 > ulong.MaxValue - region.Range.Address)
            {
                throw new ArgumentException($"regions[{i}] (0x{region.Range.Address:X}, 0x{region.Range.Size:X} bytes) is empty or wraps the address space.", nameof(regions));
            }

            if ((ulong)region.Content.Length > region.Range.Size)
            {
                throw new ArgumentException($"regions[{i}] has {region.Content.Length} bytes of content for a {region.Range.Size}-byte range.", nameof(regions));
            }

            for (var j = 0; j < i; j++)
            {
                if (list[j].Space == region.Space && Overlaps(list[j].Range, region.Range))
                {
                    throw new ArgumentException($"regions[{i}] overlaps regions[{j}] in {region.Space} space.", nameof(regions));
                }
            }
        }

        _regions = list;
    }

    /// <summary>Gets the regions of the map.</summary>
    public IReadOnlyList<MemoryRegion> Regions => _regions;

    /// <summary>Gets a value indicating whether every byte of [<paramref name="address"/>, +<paramref name="length"/>) exists in one region.</summary>
    /// <param name="space">The address space.</param>
    /// <param name="address">The first address.</param>
    /// <param name="length">The length in bytes; zero is never contained.</param>
    /// <returns><see langword="true"/> when one region holds the whole range.</returns>
    public bool Contains(AddressSpace space, ulong address, ulong length) => Find(space, address, length) is not null;

    /// <summary>Reads simulated memory into <paramref name="destination"/>.</summary>
    /// <param name="space">The address space.</param>
    /// <param name="address">The first address.</param>
    /// <param name="destination">Receives the bytes; its length is the length read.</param>
    /// <exception cref="ArgumentOutOfRangeException">Part of the range is not in the map.</exception>
    public void Read(AddressSpace space, ulong address, Span<byte> destination)
    {
        // A range may run across adjacent regions (merged AddPages ranges do): read region by region.
        while (!destination.IsEmpty)
        {
            var region = Find(space, address, 1)
                ?? throw new ArgumentOutOfRangeException(nameof(address), $"{space} 0x{address:X} is not in the memory map.");
            var offset = address - region.Range.Address;
            var length = (int)Math.Min((ulong)destination.Length, region.Range.Size - offset);
            var part = destination[..length];
            var content = region.Content.Span;
            var fromContent = 0;
            if (offset < (ulong)content.Length)
            {
                fromContent = Math.Min(length, content.Length - (int)offset);
                content.Slice((int)offset, fromContent).CopyTo(part);
            }

            FillPattern(address + (ulong)fromContent, part[fromContent..]);
            destination = destination[length..];
            address += (ulong)length;
        }
    }

    private MemoryRegion? Find(AddressSpace space, ulong address, ulong length)
    {
        if (length == 0 || length - 1 > ulong.MaxValue - address)
        {
            return null;
        }

        foreach (var region in _regions)
        {
            if (region.Space == space && address >= region.Range.Address && length <= region.Range.Size &&
                address - region.Range.Address <= region.Range.Size - length)
            {
                return region;
            }
        }

        return null;
    }

    private static void FillPattern(ulong address, Span<byte> destination)
    {
        // Every aligned 8-byte word holds its own address: recognizable in a hex dump and checkable by readers.
        var head = (int)Math.Min((ulong)destination.Length, (8 - (address & 7)) & 7);
        FillPatternSlow(address, destination[..head]);
        address += (ulong)head;
        destination = destination[head..];

        var words = MemoryMarshal.Cast<byte, ulong>(destination);
        for (var i = 0; i < words.Length; i++)
        {
            var value = address + ((ulong)i * 8);
            words[i] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
        }

        var done = words.Length * 8;
        FillPatternSlow(address + (ulong)done, destination[done..]);
    }

    private static void FillPatternSlow(ulong address, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        for (var i = 0; i < destination.Length;)
        {
            var current = address + (ulong)i;
            var wordStart = current & ~7UL;
            BinaryPrimitives.WriteUInt64LittleEndian(word, wordStart);
            var from = (int)(current - wordStart);
            var take = Math.Min(8 - from, destination.Length - i);
            word.Slice(from, take).CopyTo(destination[i..]);
            i += take;
        }
    }

    private static bool Overlaps(AddressRange a, AddressRange b) =>
        a.Address - b.Address < b.Size || b.Address - a.Address < a.Size;
}
