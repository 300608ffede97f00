namespace BugCheckCallbacks.Cli.Reading;

/// <summary>
/// Where each block stands among its neighbours with the same tag: a multi-part callback's parts share one tag, in order,
/// and a duplicate tag follows the block it shadows. One pass, so a million blocks with one tag cost a million steps.
/// </summary>
internal static class BlockRuns
{
    /// <summary>For each item, its 1-based place in its run of items that <paramref name="same"/> says belong together, and the run's length.</summary>
    public static (int Part, int Of)[] Positions<T>(IReadOnlyList<T> items, Func<T, T, bool> same)
    {
        var positions = new (int Part, int Of)[items.Count];
        for (var start = 0; start < items.Count;)
        {
            var end = start + 1;
            while (end < items.Count && same(items[end - 1], items[end]))
            {
                end++;
            }

            for (var i = start; i < end; i++)
            {
                positions[i] = (i - start + 1, end - start);
            }

            start = end;
        }

        return positions;
    }
}
