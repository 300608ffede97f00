using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// What <see cref="SimulatedMemoryMap"/> requires of its regions, each refused with an <see cref="ArgumentException"/>
/// that names the region: a defined space, page alignment, no wrap, no more content than size, physical addresses below
/// 2^52, canonical virtual ones clear of the page tables' self-map, and no overlap within a space.
/// </summary>
internal static class MemoryRegionChecks
{
    private const uint PageSize = X64Paging.PageSize;

    public static void CheckRegion(MemoryRegion region, int i, string paramName)
    {
        if (region.Space is not (AddressSpace.Virtual or AddressSpace.Physical))
        {
            throw new ArgumentException($"regions[{i}].Space {(int)region.Space} is not a defined AddressSpace.", paramName);
        }

        var (address, size) = (region.Range.Address, region.Range.Size);
        if (size == 0 || size - 1 > ulong.MaxValue - address)
        {
            throw new ArgumentException($"regions[{i}] (0x{address:X}, 0x{size:X} bytes) is empty or wraps the address space.", paramName);
        }

        if ((address | size) % PageSize != 0)
        {
            throw new ArgumentException($"regions[{i}] (0x{address:X}, 0x{size:X} bytes) is not page-aligned: address and size must be multiples of 0x{PageSize:X}.", paramName);
        }

        if ((ulong)region.Content.Length > size)
        {
            throw new ArgumentException($"regions[{i}] has {region.Content.Length} bytes of content for a {size}-byte range.", paramName);
        }

        var last = address + size - 1;
        if (region.Space == AddressSpace.Physical && last >= X64Paging.PhysicalAddressLimit)
        {
            throw new ArgumentException($"regions[{i}] ends at 0x{last:X}; x64 physical addresses stop below 2^52 (0x{X64Paging.PhysicalAddressLimit:X}).", paramName);
        }

        if (region.Space == AddressSpace.Virtual && last >= SimulatedMemoryMap.SelfMapStart && address < SimulatedMemoryMap.SelfMapStart + (1UL << 39))
        {
            throw new ArgumentException($"regions[{i}] (0x{address:X}..0x{last:X}) overlaps 0x{SimulatedMemoryMap.SelfMapStart:X}..0x{SimulatedMemoryMap.SelfMapStart + (1UL << 39) - 1:X}, where the page tables map themselves (PML4 entry 0x{SimulatedMemoryMap.SelfMapIndex:X}).", paramName);
        }

        if (region.Space == AddressSpace.Virtual && !(X64Paging.IsCanonical(address) && X64Paging.IsCanonical(last) && (address >> 63) == (last >> 63)))
        {
            throw new ArgumentException($"regions[{i}] (0x{address:X}..0x{last:X}) is not canonical: it must lie below 0x0000800000000000 or from 0xFFFF800000000000.", paramName);
        }
    }

    /// <summary>A region's first and last byte, as the overlap error names them.</summary>
    private static string Span(MemoryRegion region) => $"0x{region.Range.Address:X}..0x{region.Range.Address + (region.Range.Size - 1):X}";

    public static MemoryRegion[] SortAndCheckOverlaps(List<(MemoryRegion Region, int Index)> regions, string paramName)
    {
        regions.Sort((a, b) => a.Region.Range.Address.CompareTo(b.Region.Range.Address));
        for (var i = 1; i < regions.Count; i++)
        {
            var (previous, current) = (regions[i - 1], regions[i]);
            if (current.Region.Range.Address - previous.Region.Range.Address < previous.Region.Range.Size)
            {
                throw new ArgumentException($"regions[{current.Index}] ({Span(current.Region)}) overlaps regions[{previous.Index}] ({Span(previous.Region)}) in {current.Region.Space} space.", paramName);
            }
        }

        return regions.ConvertAll(r => r.Region).ToArray();
    }
}
