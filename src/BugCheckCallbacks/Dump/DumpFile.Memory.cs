using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Dump;

/// <summary>Physical and virtual memory: where a stored page lies in the file, and the x64 page-table walk.</summary>
public sealed partial class DumpFile
{
    /// <summary>Gets a value indicating whether the body stores physical page <paramref name="pageFrame"/>.</summary>
    /// <param name="pageFrame">The page frame number (physical address / 0x1000).</param>
    /// <returns><see langword="true"/> when the page can be read.</returns>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public bool ContainsPage(ulong pageFrame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PageOffset(pageFrame) >= 0;
    }

    /// <summary>Lists the stored physical pages as runs of consecutive page frames, ascending.</summary>
    /// <returns>The runs, computed lazily from the header (run-based) or the bitmap.</returns>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public IEnumerable<PhysicalMemoryRun> EnumerateStoredRuns()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Layout switch
        {
            DumpBodyLayout.RunBased => Header.PhysicalMemoryRuns.Where(r => r.PageCount > 0),
            DumpBodyLayout.Ranges => _rdmp!.Runs,
            DumpBodyLayout.Triage => [],
            _ => BitmapRuns(),
        };

        IEnumerable<PhysicalMemoryRun> BitmapRuns()
        {
            ulong? start = null;
            for (var frame = 0UL; frame < (ulong)_bitmap.Length * 64; frame++)
            {
                var set = (_bitmap[frame >> 6] & (1UL << (int)(frame & 63))) != 0;
                if (set && start is null)
                {
                    start = frame;
                }
                else if (!set && start is { } first)
                {
                    yield return new PhysicalMemoryRun(first, frame - first);
                    start = null;
                }

                if (!set && start is null && (frame & 63) == 0 && _bitmap[frame >> 6] == 0)
                {
                    frame += 63; // skip an empty word
                }
            }

            if (start is { } last)
            {
                yield return new PhysicalMemoryRun(last, ((ulong)_bitmap.Length * 64) - last);
            }
        }
    }

    /// <summary>Gets where in the file physical page <paramref name="pageFrame"/> is stored.</summary>
    /// <param name="pageFrame">The page frame number (physical address / 0x1000).</param>
    /// <returns>The file offset of the page's first byte, or -1 when the body does not store it.</returns>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public long GetPageFileOffset(ulong pageFrame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PageOffset(pageFrame);
    }

    /// <summary>Gets where in the file the byte at <paramref name="physicalAddress"/> is stored.</summary>
    /// <param name="physicalAddress">The physical address.</param>
    /// <returns>The file offset of that byte, or -1 when the body does not store its page.</returns>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public long GetPhysicalFileOffset(ulong physicalAddress)
    {
        var page = GetPageFileOffset(PageOf(physicalAddress));
        return page < 0 ? -1 : page + OffsetInPage(physicalAddress);
    }

    /// <summary>Gets the number of the page <paramref name="address"/> lies in (a page frame number for a physical address).</summary>
    /// <param name="address">A physical or virtual address.</param>
    /// <returns><paramref name="address"/> / <see cref="PageSize"/>.</returns>
    public static ulong PageOf(ulong address) => address >> PageShift;

    /// <summary>Gets the address of page <paramref name="page"/>'s first byte.</summary>
    /// <param name="page">A page number, below 2^52.</param>
    /// <returns><paramref name="page"/> × <see cref="PageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="page"/> is 2^52 or more: its address does not fit in 64 bits.</exception>
    public static ulong AddressOfPage(ulong page)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(page, 1UL << (64 - PageShift));
        return page << PageShift;
    }

    /// <summary>Gets how far into its page <paramref name="address"/> lies.</summary>
    /// <param name="address">A physical or virtual address.</param>
    /// <returns>0 to <see cref="PageSize"/> − 1.</returns>
    public static int OffsetInPage(ulong address) => (int)(address & (PageSize - 1));

    /// <summary>Reads physical memory, stopping at the first page the dump does not store.</summary>
    /// <param name="address">The physical address.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <returns>The number of bytes read: less than the destination's length when a page is missing.</returns>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a scanner's first million calls run optimized, not at tier 0
    public int ReadPhysical(ulong address, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var done = 0;
        while (done < destination.Length)
        {
            var offset = PageOffset(address >> PageShift);
            if (offset < 0)
            {
                break;
            }

            // One read for as many following pages as the file holds right after this one.
            var within = (int)(address & (PageSize - 1));
            var length = Math.Min(destination.Length - done, PageSize - within);
            var next = address + (ulong)length;
            while (done + length < destination.Length && next != 0 && FollowsInFile(next >> PageShift, offset + within + length))
            {
                var more = Math.Min(destination.Length - done - length, PageSize);
                length += more;
                next += (ulong)more;
            }

            _file.ReadAt(offset + within, destination.Slice(done, length), "physical memory");
            done += length;
            address = next;
            if (address == 0)
            {
                break; // the top of the address space
            }
        }

        return done;
    }

    /// <summary>Translates a virtual address through the dump's page tables, rooted at <see cref="DumpFileHeader.DirectoryTableBase"/>.</summary>
    /// <param name="virtualAddress">The virtual address.</param>
    /// <param name="physicalAddress">The physical address it maps to.</param>
    /// <returns>
    /// <see langword="true"/> when every table on the way is stored and every entry valid: present, or a Windows transition
    /// entry (4 KiB, 2 MiB and 1 GiB pages); always <see langword="false"/> where <see cref="VirtualMemoryUnavailableReason"/> says why.
    /// </returns>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page-table page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public bool TryTranslate(ulong virtualAddress, out ulong physicalAddress)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        physicalAddress = 0;
        if (!X64Paging.IsCanonical(virtualAddress) || !HasX64PageTables)
        {
            return false;
        }

        _translations ??= [];
        var page = virtualAddress >> PageShift;
        if (!_translations.TryGetValue(page, out var frame))
        {
            frame = Walk(virtualAddress);
            if (_translations.Count >= TranslationCacheLimit)
            {
                _translations.Clear();
            }

            _translations[page] = frame;
        }

        if (frame == NotMapped)
        {
            return false;
        }

        physicalAddress = (frame << PageShift) | (virtualAddress & (PageSize - 1));
        return true;
    }

    /// <summary>
    /// Reads virtual memory through the page tables, stopping at the first page that is not mapped or not stored; in a small
    /// memory dump, which has no page tables, from its data blocks, data page and debugger-data copy.
    /// </summary>
    /// <param name="address">The virtual address.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <returns>The number of bytes read: less than the destination's length when a page cannot be read.</returns>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public int ReadVirtual(ulong address, Span<byte> destination)
    {
        if (_triage is not null)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _triage.ReadVirtual(_file, address, destination);
        }

        var done = 0;
        while (done < destination.Length && TryTranslate(address, out var physical))
        {
            // As many following virtual pages as map to the physical pages right after this one: one ReadPhysical,
            // which reads those that follow one another in the file with one call.
            var length = Math.Min(destination.Length - done, PageSize - (int)(address & (PageSize - 1)));
            var next = address + (ulong)length;
            while (done + length < destination.Length && next != 0 && TryTranslate(next, out var following) && following == physical + (ulong)length)
            {
                var more = Math.Min(destination.Length - done - length, PageSize);
                length += more;
                next += (ulong)more;
            }

            var read = ReadPhysical(physical, destination.Slice(done, length));
            done += read;
            if (read < length || next == 0)
            {
                break; // a page not stored, or the top of the address space
            }

            address = next;
        }

        return done;
    }

    /// <summary>Gets whether stored page <paramref name="frame"/> sits at file offset <paramref name="offset"/>: the page after one just read.</summary>
    private bool FollowsInFile(ulong frame, long offset)
    {
        if (_bitmap.Length > 0)
        {
            // Stored pages are packed in frame order: the next frame follows exactly when its bit is set.
            var word = frame >> 6;
            return word < (ulong)_bitmap.Length && (_bitmap[word] & (1UL << (int)(frame & 63))) != 0;
        }

        return PageOffset(frame) == offset;
    }

    /// <summary>The file offset of stored page <paramref name="frame"/>, or −1 when the body does not store it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long PageOffset(ulong frame)
    {
        if (Layout == DumpBodyLayout.Triage)
        {
            return -1;
        }

        if (_rdmp is not null)
        {
            return _rdmp.PageOffset(frame);
        }

        if (Layout == DumpBodyLayout.RunBased)
        {
            var runs = Header.PhysicalMemoryRuns;
            int low = 0, high = runs.Count;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (runs[middle].EndPage <= frame)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low < runs.Count && runs[low].BasePage <= frame
                ? _firstPageOffset + ((_runFirstPageIndex[low] + (long)(frame - runs[low].BasePage)) * PageSize)
                : -1;
        }

        var word = frame >> 6;
        if (word >= (ulong)_bitmap.Length || (_bitmap[word] & (1UL << (int)(frame & 63))) == 0)
        {
            return -1;
        }

        var before = _rank[word / RankWords];
        for (var i = word & ~(ulong)(RankWords - 1); i < word; i++)
        {
            before += BitOperations.PopCount(_bitmap[i]);
        }

        before += BitOperations.PopCount(_bitmap[word] & ((1UL << (int)(frame & 63)) - 1));
        return _firstPageOffset + (before * PageSize);
    }

    /// <summary>Walks the four levels from the DTB; returns the physical page, or <see cref="NotMapped"/>.</summary>
    /// <summary>The walk from the PML4 down; <paramref name="steps"/>, when given, receives each level (Translate shows them).</summary>
    private ulong Walk(ulong virtualAddress, List<PageTableStep>? steps = null)
    {
        var table = Header.DirectoryTableBase & X64Paging.FrameMask;
        for (var level = 4; level >= 1; level--)
        {
            var index = X64Paging.IndexAt(virtualAddress, level);
            var read = ReadEntry(table >> PageShift, index);
            steps?.Add(new PageTableStep(level, table, index, read));
            if (read is not { } entry || !X64Paging.IsValid(entry))
            {
                return NotMapped;
            }

            if (level is 3 or 2 && (entry & X64Paging.LargePageBit) != 0)
            {
                var pageBits = PageShift + (9 * (level - 1)); // 1 GiB or 2 MiB
                var baseAddress = entry & X64Paging.FrameMask & ~((1UL << pageBits) - 1);
                return (baseAddress | (virtualAddress & ((1UL << pageBits) - 1))) >> PageShift;
            }

            table = entry & X64Paging.FrameMask;
        }

        return table >> PageShift;
    }

    private ulong? ReadEntry(ulong frame, int index)
    {
        _tables ??= [];
        if (!_tables.TryGetValue(frame, out var entries))
        {
            var offset = PageOffset(frame);
            if (offset < 0)
            {
                return null;
            }

            Span<byte> page = stackalloc byte[PageSize];
            _file.ReadAt(offset, page, "a page-table page");
            entries = new ulong[X64Paging.EntriesPerTable];
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = BinaryPrimitives.ReadUInt64LittleEndian(page[(i * 8)..]);
            }

            if (_tables.Count >= TableCacheLimit)
            {
                _tables.Clear();
            }

            _tables[frame] = entries;
        }

        return entries[index];
    }
}
