namespace BugCheckCallbacks.Simulation;

/// <summary>The page ranges of the dump body: AddPages adds, RemovePages subtracts; kept sorted and merged per address space.</summary>
internal sealed class BodyRangeSet
{
    private static readonly AddressSpace[] s_spaceOrder = [AddressSpace.Virtual, AddressSpace.Physical];

    // Per space: sorted, disjoint, non-adjacent [start, end) page numbers.
    private readonly List<(ulong Start, ulong End)>[] _spaces = [[], []];

    public void Add(AddressSpace space, ulong firstPage, ulong pageCount)
    {
        var list = _spaces[(int)space];
        var start = firstPage;
        var end = firstPage + pageCount;
        var i = 0;
        while (i < list.Count && list[i].End < start)
        {
            i++;
        }

        while (i < list.Count && list[i].Start <= end)
        {
            start = Math.Min(start, list[i].Start);
            end = Math.Max(end, list[i].End);
            list.RemoveAt(i);
        }

        list.Insert(i, (start, end));
    }

    public void Remove(AddressSpace space, ulong firstPage, ulong pageCount)
    {
        var list = _spaces[(int)space];
        var start = firstPage;
        var end = firstPage + pageCount;
        for (var i = 0; i < list.Count; i++)
        {
            var (s, e) = list[i];
            if (e <= start || s >= end)
            {
                continue;
            }

            list.RemoveAt(i);
            if (e > end)
            {
                list.Insert(i, (end, e));
            }

            if (s < start)
            {
                list.Insert(i, (s, start));
                i++;
            }

            i--;
        }
    }

    /// <summary>The ranges in address order, virtual space first.</summary>
    public IEnumerable<PageRange> Ranges(uint pageSize)
    {
        foreach (var space in s_spaceOrder)
        {
            foreach (var (start, end) in _spaces[(int)space])
            {
                yield return new PageRange(space, start * pageSize, end - start);
            }
        }
    }
}
