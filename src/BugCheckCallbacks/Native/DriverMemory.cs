using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Native;

/// <summary>
/// The memory one native driver owns: its loaded image and the pool it allocated through the kernel's allocators. The
/// kernel checks every pointer a routine hands back against it before reading.
/// </summary>
internal sealed unsafe class DriverMemory : IDisposable
{
    private const uint PageSize = Dump.X64Paging.PageSize;

    private readonly List<(nint Start, nint End)> _image;
    private readonly List<(nint Start, nint End)> _pool = []; // sorted by start

    public DriverMemory(List<(nint Start, nint End)> image)
    {
        _image = image;
    }

    public nint ImageStart => _image.Count > 0 ? _image.Min(r => r.Start) : 0;

    public nint ImageEnd => _image.Count > 0 ? _image.Max(r => r.End) : 0;

    /// <summary>Zeroed pool of <paramref name="size"/> bytes in pages of its own, as the simulated machine maps them; 0 when refused.</summary>
    public nint Allocate(ulong size)
    {
        if (size == 0 || size > int.MaxValue)
        {
            return 0;
        }

        var pages = (size + PageSize - 1) & ~(PageSize - 1);
        var start = (nint)NativeMemory.AlignedAlloc((nuint)pages, PageSize);
        new Span<byte>((void*)start, (int)pages).Clear();
        var entry = (start, start + (nint)size);
        var index = _pool.BinarySearch(entry);
        _pool.Insert(index < 0 ? ~index : index, entry);
        return start;
    }

    public bool Free(nint start)
    {
        var index = _pool.FindIndex(r => r.Start == start);
        if (index < 0)
        {
            return false;
        }

        _pool.RemoveAt(index);
        NativeMemory.AlignedFree((void*)start);
        return true;
    }

    /// <summary>The driver's memory in whole pages, merged where they touch: what the simulated machine maps at the same addresses.</summary>
    public IEnumerable<(nint Start, nint End)> Pages() =>
        _image.Concat(_pool.Select(r => (r.Start, (r.End + (nint)PageSize - 1) & ~((nint)PageSize - 1))));

    /// <summary>How many bytes from <paramref name="pointer"/> to the end of the owned range holding it, or -1 when it is in none.</summary>
    public long Available(nint pointer)
    {
        foreach (var (start, end) in _image)
        {
            if (pointer >= start && pointer < end)
            {
                return end - pointer;
            }
        }

        // The last allocation starting at or before the pointer is the only one that can hold it.
        int low = 0, high = _pool.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (_pool[middle].Start <= pointer)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found >= 0 && pointer < _pool[found].End ? _pool[found].End - pointer : -1;
    }

    public bool Owns(nint pointer) => Available(pointer) > 0;

    public bool Owns(nint pointer, ulong length) => Available(pointer) is var available && available >= 0 && (ulong)available >= length;

    public void Dispose()
    {
        foreach (var (start, _) in _pool)
        {
            NativeMemory.AlignedFree((void*)start);
        }

        _pool.Clear();
    }
}
