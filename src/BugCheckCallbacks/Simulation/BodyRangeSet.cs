namespace BugCheckCallbacks.Simulation;

/// <summary>
/// What the AddPages and RemovePages callbacks named, per address space, in pages. Ranges are only collected during
/// the protocols and combined once at the end, so n ranges cost O(n log n) whatever their order.
/// </summary>
internal sealed class BodyRangeSet
{
    private static readonly AddressSpace[] s_spaceOrder = [AddressSpace.Virtual, AddressSpace.Physical];

    private readonly List<(ulong Start, ulong End)>[] _added = [[], []];
    private readonly List<(ulong Start, ulong End)>[] _removed = [[], []];

    public void Add(AddressSpace space, ulong firstPage, ulong pageCount) => _added[(int)space].Add((firstPage, firstPage + pageCount));

    public void Remove(AddressSpace space, ulong firstPage, ulong pageCount) => _removed[(int)space].Add((firstPage, firstPage + pageCount));

    /// <summary>The added pages less the removed ones, in address order, virtual space first.</summary>
    public IEnumerable<PageRange> Ranges(uint pageSize)
    {
        foreach (var space in s_spaceOrder)
        {
            var ranges = PageRanges.Subtract(PageRanges.Normalize(_added[(int)space]), PageRanges.Normalize(_removed[(int)space]));
            foreach (var (start, end) in ranges)
            {
                yield return new PageRange(space, start * pageSize, end - start);
            }
        }
    }

    /// <summary>Appends the page frames of the added (or removed) pages, virtual pages through the page tables.</summary>
    public void AddFrames(SimulatedMemoryMap map, bool removed, List<(ulong Start, ulong End)> frames)
    {
        var source = removed ? _removed : _added;
        frames.AddRange(source[(int)AddressSpace.Physical]);
        foreach (var (start, end) in source[(int)AddressSpace.Virtual])
        {
            map.AddFramesOfVirtualPages(start, end - start, frames);
        }
    }
}
