namespace BugCheckCallbacks.Simulation;

/// <summary>Set arithmetic on half-open page ranges [Start, End): O(n log n), whatever the order they come in.</summary>
internal static class PageRanges
{
    /// <summary>Sorts and merges <paramref name="ranges"/> into disjoint, non-adjacent ranges, ascending.</summary>
    public static (ulong Start, ulong End)[] Normalize(List<(ulong Start, ulong End)> ranges)
    {
        ranges.Sort();
        var merged = new List<(ulong Start, ulong End)>(ranges.Count);
        foreach (var (start, end) in ranges)
        {
            if (start >= end)
            {
                continue;
            }

            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return merged.ToArray();
    }

    /// <summary>The pages of <paramref name="from"/> that are not in <paramref name="remove"/>; both normalized.</summary>
    public static (ulong Start, ulong End)[] Subtract((ulong Start, ulong End)[] from, (ulong Start, ulong End)[] remove)
    {
        var result = new List<(ulong Start, ulong End)>(from.Length);
        var r = 0;
        foreach (var (start, end) in from)
        {
            var current = start;
            while (r < remove.Length && remove[r].End <= current)
            {
                r++;
            }

            for (var k = r; k < remove.Length && remove[k].Start < end; k++)
            {
                if (remove[k].Start > current)
                {
                    result.Add((current, remove[k].Start));
                }

                current = Math.Max(current, remove[k].End);
            }

            if (current < end)
            {
                result.Add((current, end));
            }
        }

        return result.ToArray();
    }
}
