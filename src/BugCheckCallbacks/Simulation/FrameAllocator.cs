using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>Hands out page frames from the top of physical memory downward, never the reserved one (the PML4's).</summary>
internal sealed class FrameAllocator(PhysicalMemoryRun[] runs, ulong? reserved)
{
    private int _run = runs.Length - 1;
    private ulong _next = runs[^1].EndPage;

    public ulong TakeOne() => Take(1).Single().Frame;

    public List<(ulong Frame, ulong Count)> Take(ulong count)
    {
        var extents = new List<(ulong, ulong)>(1);
        while (count > 0)
        {
            var low = runs[_run].BasePage;
            var skip = reserved is { } r && r >= low && r < _next;
            if (skip)
            {
                low = reserved!.Value + 1; // the frames above the reserved one first
            }

            var available = _next - low;
            if (available == 0)
            {
                if (skip)
                {
                    _next = reserved!.Value; // step over it
                }
                else
                {
                    _run--; // the constructor checked that there are enough frames
                    _next = runs[_run].EndPage;
                }

                continue;
            }

            var take = Math.Min(count, available);
            _next -= take;
            extents.Add((_next, take));
            count -= take;
        }

        return extents;
    }
}
