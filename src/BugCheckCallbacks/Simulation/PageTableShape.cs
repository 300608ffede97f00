using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Which page tables a set of virtual regions needs, by key (level and index): the PML4, then at each level one table
/// for each distinct index the regions' addresses take.
/// </summary>
internal static class PageTableShape
{
    /// <summary>The key of the level-<paramref name="level"/> table at <paramref name="index"/> (level 4 is the PML4, index 0).</summary>
    public static ulong TableKey(int level, ulong index) => ((ulong)level << 56) | index;

    /// <summary>The tables every virtual region needs, PML4 first, then by level and address.</summary>
    public static List<ulong> TableKeys(MemoryRegion[] regions)
    {
        var keys = new List<ulong> { TableKey(4, 0) };
        for (var level = 3; level >= 1; level--)
        {
            var current = level;
            ForEachTableIndex(regions, level, index => keys.Add(TableKey(current, index)));
        }

        return keys;
    }

    /// <summary>Calls <paramref name="action"/> once for each distinct level-<paramref name="level"/> table index the regions need, ascending.</summary>
    public static void ForEachTableIndex(MemoryRegion[] regions, int level, Action<ulong> action, Func<bool>? stopWhen = null)
    {
        var shift = X64Paging.PageShift + (9 * level); // a level-n table covers 2^shift bytes
        var previous = (ulong?)null;
        foreach (var region in regions) // sorted and disjoint, so the indexes come out ascending
        {
            var first = (region.Range.Address & 0x0000_FFFF_FFFF_FFFF) >> shift;
            var last = ((region.Range.Address + region.Range.Size - 1) & 0x0000_FFFF_FFFF_FFFF) >> shift;
            for (var index = previous is { } p && first <= p ? p + 1 : first; index <= last; index++)
            {
                action(index);
                previous = index;
                if (stopWhen?.Invoke() == true)
                {
                    return;
                }
            }
        }
    }

    public static void ForEachTableIndex(MemoryRegion[] regions, int level, Action action, Func<bool> stopWhen) =>
        ForEachTableIndex(regions, level, _ => action(), stopWhen);

    public static ulong SaturatingAdd(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;

    /// <summary>The frames the virtual regions need, their page tables and the PML4 included; counting stops past <paramref name="limit"/>.</summary>
    public static ulong FramesNeeded(MemoryRegion[] virtualRegions, ulong limit)
    {
        var needed = 1UL; // the PML4
        foreach (var region in virtualRegions)
        {
            needed = SaturatingAdd(needed, region.Range.Size >> X64Paging.PageShift);
        }

        for (var level = 3; level >= 1; level--)
        {
            ForEachTableIndex(virtualRegions, level, () => needed = SaturatingAdd(needed, 1), stopWhen: () => needed > limit);
        }

        return needed;
    }
}
