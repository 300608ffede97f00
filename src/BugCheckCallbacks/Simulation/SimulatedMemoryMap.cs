using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents the simulated machine's memory: its physical memory runs, the kernel virtual regions mapped onto them by
/// real x64 4-level page tables stored in that physical memory, and what every page holds.
/// </summary>
/// <remarks>
/// <para>
/// The layout is deterministic (docs/dump-format.md): the PML4 (<see cref="DirectoryTableBase"/>) is frame 0x1AD when
/// physical memory has it (where Volatility 3 looks for a PML4 that maps itself; entry 0x1ED points back at it, as on
/// Windows 10), else the highest frame; the other frames are taken from the top of physical memory downward: the PDPTs,
/// page directories and page tables in address order, then the frames that back each virtual region, region by region in
/// address order — the map's own regions first, then the simulated kernel's.
/// </para>
/// <para>
/// Page contents: a page-table page holds its entries (present, writable, accessed, dirty; 4 KiB pages only); a page that
/// backs a virtual page holds the region's content, and past it every 8-byte little-endian word holds its own
/// <em>virtual</em> address; any other page holds its physical region's content, and past it every word holds its own
/// physical address. So any reader can check a page it reads.
/// </para>
/// </remarks>
[DebuggerDisplay("{PhysicalMemoryRuns.Count} physical runs, {_virtual.Length} virtual regions, DTB 0x{DirectoryTableBase,h}")]
public sealed class SimulatedMemoryMap
{
    private const uint PageSize = X64Paging.PageSize; // DumpFile.PageSize is the public one

    /// <summary>The most physical memory runs a dump header can describe (<c>PHYSICAL_MEMORY_DESCRIPTOR64</c> has room for 42).</summary>
    public const int MaxPhysicalRuns = 42;

    /// <summary>The PML4 entry that maps the page tables themselves (0xFFFFF680_00000000–0xFFFFF6FF_FFFFFFFF), as Windows 10 keeps it.</summary>
    internal const int SelfMapIndex = 0x1ED;

    /// <summary>
    /// The page frame the PML4 takes when physical memory has it: 0x1AD (0x1AD000) lies where Volatility 3 looks for a
    /// self-mapping PML4 (0x30000–0x1030000 with the self entry at 0x1ED), so it finds the page tables without the header.
    /// </summary>
    internal const ulong PreferredPml4Frame = 0x1AD;

    private const int PageShift = X64Paging.PageShift;
    internal const ulong SelfMapStart = 0xFFFF_0000_0000_0000 | ((ulong)SelfMapIndex << 39);

    private readonly MemoryRegion[] _regions;
    private readonly MemoryRegion[] _physical; // sorted by address
    private readonly MemoryRegion[] _virtual; // sorted by address
    private readonly VirtualExtent[] _byVirtualPage; // sorted by virtual page
    private readonly VirtualExtent[] _byFrame; // sorted by frame
    private readonly Dictionary<ulong, ulong> _tableFrameByKey = [];
    private readonly Dictionary<ulong, ulong> _tableKeyByFrame = [];
    private readonly PhysicalMemoryRun[] _runs;

    /// <summary>Initializes a map from its regions and lays out its page tables.</summary>
    /// <param name="regions">
    /// The physical regions (the machine's physical memory runs, at most 42) and the virtual regions (mapped by the page
    /// tables); every region is page-aligned, canonical and does not overlap another of its space.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="regions"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">
    /// A region is empty, not page-aligned, wraps, overlaps another, has an undefined space or more content than size; a
    /// virtual region is not canonical; there is no physical region, more than 42, or one past 2^52; or physical memory
    /// is too small for the page tables and the frames of the virtual regions.
    /// </exception>
    public SimulatedMemoryMap(IEnumerable<MemoryRegion> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        _regions = regions.ToArray();
        var physical = new List<(MemoryRegion Region, int Index)>();
        var virtualRegions = new List<(MemoryRegion Region, int Index)>();
        for (var i = 0; i < _regions.Length; i++)
        {
            var region = _regions[i] ?? throw new ArgumentNullException(nameof(regions), $"regions[{i}] is null.");
            MemoryRegionChecks.CheckRegion(region, i, nameof(regions));
            (region.Space == AddressSpace.Physical ? physical : virtualRegions).Add((region, i));
        }

        if (physical.Count is 0 or > MaxPhysicalRuns)
        {
            throw new ArgumentException($"The map has {physical.Count} physical regions; a dump header describes from 1 to {MaxPhysicalRuns} physical memory runs.", nameof(regions));
        }

        _physical = MemoryRegionChecks.SortAndCheckOverlaps(physical, nameof(regions));
        _virtual = MemoryRegionChecks.SortAndCheckOverlaps(virtualRegions, nameof(regions));
        _runs = Array.ConvertAll(_physical, r => new PhysicalMemoryRun(r.Range.Address >> PageShift, r.Range.Size >> PageShift));

        // The PML4 at the frame Volatility looks at when the machine has it; otherwise the highest frame, as before.
        ulong? pml4 = _runs.Any(r => r.BasePage <= PreferredPml4Frame && PreferredPml4Frame < r.EndPage) ? PreferredPml4Frame : null;
        var allocator = new FrameAllocator(_runs, pml4);
        var frameCount = PhysicalPageCount;
        var neededFrames = PageTableShape.FramesNeeded(_virtual, frameCount);
        if (neededFrames > frameCount)
        {
            throw new ArgumentException($"The virtual regions need more page frames (page tables included) than physical memory has (0x{frameCount:X}).", nameof(regions));
        }

        UsedFrameCount = neededFrames;
        var extents = LayOut(allocator, pml4);
        extents.Sort((a, b) => a.VirtualPage.CompareTo(b.VirtualPage));
        _byVirtualPage = extents.ToArray();
        _byFrame = extents.OrderBy(e => e.Frame).ToArray();
        DirectoryTableBase = _tableFrameByKey[PageTableShape.TableKey(4, 0)] << PageShift;
    }

    /// <summary>Takes the page tables' frames and the virtual regions' frames from <paramref name="allocator"/>, in the documented order.</summary>
    private List<VirtualExtent> LayOut(FrameAllocator allocator, ulong? pml4)
    {
        // The machine's own regions first (their tables, then their frames), then the simulated kernel's: what a map declares
        // keeps its frames whatever the kernel adds.
        var extents = new List<VirtualExtent>(_virtual.Length);
        foreach (var kernel in (ReadOnlySpan<bool>)[false, true])
        {
            foreach (var key in PageTableShape.TableKeys(_virtual.Where(r => r.IsKernel == kernel).ToArray()))
            {
                if (!_tableFrameByKey.ContainsKey(key))
                {
                    var frame = key == PageTableShape.TableKey(4, 0) && pml4 is { } reserved ? reserved : allocator.TakeOne();
                    _tableFrameByKey.Add(key, frame);
                    _tableKeyByFrame.Add(frame, key);
                }
            }

            for (var i = 0; i < _virtual.Length; i++)
            {
                if (_virtual[i].IsKernel != kernel)
                {
                    continue;
                }

                var page = _virtual[i].Range.Address >> PageShift;
                foreach (var (frame, count) in allocator.Take(_virtual[i].Range.Size >> PageShift))
                {
                    extents.Add(new VirtualExtent(page, frame, count, i));
                    page += count;
                }
            }
        }

        return extents;
    }

    /// <summary>
    /// Gets the default map: 64 MiB of physical memory in two runs (pages 0x1–0x9E and 0x100–0x3FFF, a hole below 1 MiB as
    /// on a PC) and 4 MiB of kernel virtual memory at 0xFFFF8000_00000000.
    /// </summary>
    public static SimulatedMemoryMap Default { get; } = new(
    [
        new MemoryRegion(AddressSpace.Physical, new AddressRange(0x1000, 0x9E000)),
        new MemoryRegion(AddressSpace.Physical, new AddressRange(0x100000, 0x3F00000)),
        new MemoryRegion(AddressSpace.Virtual, new AddressRange(0xFFFF800000000000, 0x400000)),
    ]);

    /// <summary>Gets the regions of the map, as given.</summary>
    public IReadOnlyList<MemoryRegion> Regions => _regions;

    /// <summary>Gets the physical memory runs, in ascending order: the physical regions as the dump header describes them.</summary>
    public IReadOnlyList<PhysicalMemoryRun> PhysicalMemoryRuns => _runs;

    /// <summary>Gets the physical address of the PML4, the root of the page tables (the dump header's <c>DirectoryTableBase</c>).</summary>
    public ulong DirectoryTableBase { get; }

    /// <summary>Gets the number of page-table pages (PML4, PDPTs, page directories and page tables).</summary>
    public int PageTablePageCount => _tableFrameByKey.Count;

    /// <summary>Gets the number of page frames the page tables and the virtual regions take.</summary>
    internal ulong UsedFrameCount { get; }

    /// <summary>Gets the total number of physical pages.</summary>
    internal ulong PhysicalPageCount => _runs.Aggregate(0UL, (sum, run) => sum + run.PageCount);

    /// <summary>Gets a value indicating whether every byte of [<paramref name="address"/>, +<paramref name="length"/>) exists.</summary>
    /// <param name="space">The address space.</param>
    /// <param name="address">The first address.</param>
    /// <param name="length">The length in bytes; zero is never contained.</param>
    /// <returns><see langword="true"/> when regions of <paramref name="space"/> hold the whole range (adjacent regions may share it).</returns>
    public bool Contains(AddressSpace space, ulong address, ulong length)
    {
        if (length == 0 || length - 1 > ulong.MaxValue - address)
        {
            return false;
        }

        var regions = space == AddressSpace.Physical ? _physical : _virtual;
        var end = address + length - 1; // inclusive: the range may end at the top of the address space
        for (var i = FindRegion(regions, address); i >= 0 && i < regions.Length; i++)
        {
            var regionLast = regions[i].Range.Address + regions[i].Range.Size - 1;
            if (end <= regionLast)
            {
                return true;
            }

            if (i + 1 >= regions.Length || regions[i + 1].Range.Address != regionLast + 1)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Translates a virtual address through the page tables, as a processor would.</summary>
    /// <param name="virtualAddress">The virtual address.</param>
    /// <param name="physicalAddress">The physical address it maps to.</param>
    /// <returns><see langword="true"/> when a virtual region maps the address.</returns>
    public bool TryTranslate(ulong virtualAddress, out ulong physicalAddress)
    {
        if (FindExtent(virtualAddress >> PageShift) is { } extent)
        {
            physicalAddress = ((extent.Frame + ((virtualAddress >> PageShift) - extent.VirtualPage)) << PageShift) | (virtualAddress & (PageSize - 1));
            return true;
        }

        physicalAddress = 0;
        return false;
    }

    /// <summary>Reads simulated memory into <paramref name="destination"/>.</summary>
    /// <param name="space">The address space.</param>
    /// <param name="address">The first address.</param>
    /// <param name="destination">Receives the bytes; its length is the length read.</param>
    /// <exception cref="ArgumentOutOfRangeException">Part of the range is not in the map.</exception>
    public void Read(AddressSpace space, ulong address, Span<byte> destination)
    {
        Span<byte> page = stackalloc byte[(int)PageSize];
        while (!destination.IsEmpty)
        {
            ulong physicalAddress;
            if (space == AddressSpace.Virtual)
            {
                if (!TryTranslate(address, out physicalAddress))
                {
                    throw new ArgumentOutOfRangeException(nameof(address), $"Virtual 0x{address:X} is not mapped.");
                }
            }
            else
            {
                physicalAddress = address;
                if (!Contains(AddressSpace.Physical, address, 1))
                {
                    throw new ArgumentOutOfRangeException(nameof(address), $"Physical 0x{address:X} is not in the memory map.");
                }
            }

            var within = (int)(address & (PageSize - 1));
            var length = Math.Min(destination.Length, (int)PageSize - within);
            ReadPage(physicalAddress >> PageShift, page);
            page.Slice(within, length).CopyTo(destination);
            destination = destination[length..];
            address += (ulong)length;
        }
    }

    /// <summary>Fills <paramref name="page"/> with the content of physical page <paramref name="frame"/>, which must exist.</summary>
    internal void ReadPage(ulong frame, Span<byte> page)
    {
        Debug.Assert(page.Length == PageSize, "One whole page.");
        if (_tableKeyByFrame.TryGetValue(frame, out var key))
        {
            WriteTable(key, MemoryMarshal.Cast<byte, ulong>(page));
            return;
        }

        if (FindFrame(frame) is { } extent)
        {
            var region = _virtual[extent.Region];
            var virtualAddress = (extent.VirtualPage + (frame - extent.Frame)) << PageShift;
            PagePattern.Fill(region, virtualAddress - region.Range.Address, virtualAddress, page);
            return;
        }

        var index = FindRegion(_physical, frame << PageShift);
        Debug.Assert(index >= 0, "The frame exists.");
        var physical = _physical[index];
        PagePattern.Fill(physical, (frame << PageShift) - physical.Range.Address, frame << PageShift, page);
    }

    /// <summary>Appends every page frame the page tables use, as single-frame ranges.</summary>
    internal void AddPageTableFrames(List<(ulong Start, ulong End)> frames)
    {
        foreach (var frame in _tableKeyByFrame.Keys)
        {
            frames.Add((frame, frame + 1));
        }
    }

    /// <summary>Appends the frames that back the virtual pages [<paramref name="firstPage"/>, +<paramref name="pageCount"/>) that are mapped.</summary>
    internal void AddFramesOfVirtualPages(ulong firstPage, ulong pageCount, List<(ulong Start, ulong End)> frames)
    {
        var end = firstPage + pageCount;
        var i = LowerBound(_byVirtualPage, firstPage, static e => e.VirtualPage + e.Count - 1);
        for (; i < _byVirtualPage.Length && _byVirtualPage[i].VirtualPage < end; i++)
        {
            var extent = _byVirtualPage[i];
            var from = Math.Max(firstPage, extent.VirtualPage);
            var to = Math.Min(end, extent.VirtualPage + extent.Count);
            frames.Add((extent.Frame + (from - extent.VirtualPage), extent.Frame + (to - extent.VirtualPage)));
        }
    }

    /// <summary>Appends the frames that back every virtual region.</summary>
    internal void AddMappedFrames(List<(ulong Start, ulong End)> frames)
    {
        foreach (var extent in _byFrame)
        {
            frames.Add((extent.Frame, extent.Frame + extent.Count));
        }
    }

    /// <summary>Appends every physical page.</summary>
    internal void AddAllFrames(List<(ulong Start, ulong End)> frames)
    {
        foreach (var run in _runs)
        {
            frames.Add((run.BasePage, run.EndPage));
        }
    }

    private void WriteTable(ulong key, Span<ulong> entries)
    {
        var level = (int)(key >> 56);
        var index = key & ((1UL << 56) - 1);
        for (var i = 0; i < entries.Length; i++)
        {
            var child = (index << 9) | (uint)i;
            ulong? frame = level > 1
                ? (_tableFrameByKey.TryGetValue(PageTableShape.TableKey(level - 1, child), out var table) ? table : null)
                : FindExtent(X64Paging.Canonical(child << PageShift) >> PageShift) is { } extent
                    ? extent.Frame + ((X64Paging.Canonical(child << PageShift) >> PageShift) - extent.VirtualPage)
                    : null;
            if (level == 4 && i == SelfMapIndex)
            {
                frame = _tableFrameByKey[PageTableShape.TableKey(4, 0)]; // the self-reference: the tables map themselves
            }

            var entry = frame is { } f ? (f << PageShift) | X64Paging.EntryFlags : 0;
            entries[i] = BitConverter.IsLittleEndian ? entry : BinaryPrimitives.ReverseEndianness(entry);
        }
    }

    private VirtualExtent? FindExtent(ulong virtualPage)
    {
        var i = LowerBound(_byVirtualPage, virtualPage, static e => e.VirtualPage + e.Count - 1);
        return i < _byVirtualPage.Length && _byVirtualPage[i].VirtualPage <= virtualPage ? _byVirtualPage[i] : null;
    }

    private VirtualExtent? FindFrame(ulong frame)
    {
        var i = LowerBound(_byFrame, frame, static e => e.Frame + e.Count - 1);
        return i < _byFrame.Length && _byFrame[i].Frame <= frame ? _byFrame[i] : null;
    }

    /// <summary>The index of the first item whose inclusive last value is at or past <paramref name="value"/>.</summary>
    private static int LowerBound<T>(T[] items, ulong value, Func<T, ulong> last)
    {
        int low = 0, high = items.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (last(items[middle]) < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>The index of the region holding <paramref name="address"/>, or −1.</summary>
    private static int FindRegion(MemoryRegion[] regions, ulong address)
    {
        var i = LowerBound(regions, address, static r => r.Range.Address + (r.Range.Size - 1));
        return i < regions.Length && regions[i].Range.Address <= address ? i : -1;
    }

    /// <summary>Virtual pages [VirtualPage, +Count) are backed by frames [Frame, +Count) and belong to virtual region Region.</summary>
    private readonly record struct VirtualExtent(ulong VirtualPage, ulong Frame, ulong Count, int Region);
}
