using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>The simulated kernel's own structures in the machine's memory, and the dump's view of them.</summary>
internal sealed partial class BugCheckRun
{
    private readonly KernelMemory? _kernel;
    private Dictionary<ulong, List<(int Offset, byte[] Bytes)>>? _patches; // by page frame: hosted records over a driver's bytes

    /// <summary>
    /// Gets whether the header points at the kernel's structures: a kernel or complete dump holds them, and a small memory
    /// dump copies KDDEBUGGER_DATA64 and the module list (a header-only dump holds nothing).
    /// </summary>
    private bool DumpHoldsKernel => _kernel is not null && _request.DumpType is not DumpType.Header;

    /// <summary>
    /// The options with the kernel's images and pool added to the memory map. Their page frames come from the machine's
    /// physical memory; when it has too few free, its highest run grows by what is missing, so no registration count can
    /// make the bug check fail.
    /// </summary>
    private static SimulationOptions WithKernelMemory(SimulationOptions options, KernelMemory kernel)
    {
        var map = options.MemoryMap;
        var kernelRegions = kernel.Regions().ToArray();
        var pages = kernelRegions.Aggregate(0UL, (sum, region) => sum + (region.Range.Size / X64Paging.PageSize));
        var tables = 16 + (2 * (ulong)kernelRegions.Length) + (pages / X64Paging.EntriesPerTable); // an upper bound
        var free = map.PhysicalPageCount - Math.Min(map.PhysicalPageCount, map.UsedFrameCount);
        var regions = map.Regions.ToList();
        if (pages + tables > free)
        {
            var top = regions.Where(r => r.Space == AddressSpace.Physical).MaxBy(r => r.Range.Address)!;
            var grown = top with { Range = new AddressRange(top.Range.Address, top.Range.Size + ((pages + tables - free) * X64Paging.PageSize)) };
            regions[regions.IndexOf(top)] = grown;
        }

        return options with { MemoryMap = new SimulatedMemoryMap(regions.Concat(kernelRegions)) };
    }

    /// <summary>Writes the kernel's structures as they are when the header is written, and keeps the patches for hosted records.</summary>
    private void RenderKernel()
    {
        if (_kernel is null)
        {
            return;
        }

        foreach (var (address, bytes) in _kernel.Render(_request))
        {
            for (var done = 0; done < bytes.Length;)
            {
                var at = address + (ulong)done;
                var length = Math.Min(bytes.Length - done, DumpFile.PageSize - DumpFile.OffsetInPage(at));
                if (_options.MemoryMap.TryTranslate(at, out var physical))
                {
                    _patches ??= [];
                    var frame = DumpFile.PageOf(physical);
                    if (!_patches.TryGetValue(frame, out var list))
                    {
                        _patches[frame] = list = [];
                    }

                    list.Add((DumpFile.OffsetInPage(physical), bytes[done..(done + length)]));
                }

                done += length;
            }
        }
    }

    void IPhysicalPageSource.ReadPage(ulong frame, Span<byte> page)
    {
        _options.MemoryMap.ReadPage(frame, page);
        if (_patches is not null && _patches.TryGetValue(frame, out var list))
        {
            foreach (var (offset, bytes) in list)
            {
                bytes.CopyTo(page[offset..]);
            }
        }
    }
}
