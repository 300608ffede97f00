using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Enumerates the 4 KiB virtual pages a dump's page tables map (both halves: a host library's memory, which the simulation
/// maps at its own user-half addresses, holds native drivers' records), with the page frame each maps to, in address
/// order; large pages (2 MiB, 1 GiB) yield each of their 4 KiB pages. Only pages whose frame the dump stores are yielded. The walk is bounded: it considers at most a budget of pages and table reads, stored or
/// not, so a hostile table that maps the same frames a billion times ends it instead of stalling it.
/// </summary>
internal static class VirtualPageWalker
{
    public static IEnumerable<(ulong VirtualAddress, ulong Frame)> MappedPages(DumpFile dump, long budget, Action? exhausted = null)
    {
        if (!dump.HasX64PageTables)
        {
            yield break; // a small memory dump has none; an ARM64 dump's are not x64's, and an x64 walk of them reads garbage
        }

        var remaining = budget;
        var table = new byte[X64Paging.PageSize];
        var levels = new ulong[5][]; // one array of entries per level, reused: a walk is depth-first, so a level is read once at a time
        for (var level = 1; level <= 4; level++)
        {
            levels[level] = new ulong[X64Paging.EntriesPerTable];
        }

        foreach (var page in Walk(dump, dump.Header.DirectoryTableBase >> X64Paging.PageShift, 4, 0, table, levels))
        {
            if (--remaining < 0)
            {
                exhausted?.Invoke();
                yield break;
            }

            if (page.Frame != ulong.MaxValue)
            {
                yield return page;
            }
        }
    }

    /// <summary>
    /// The pages under one table: a yielded frame of <see cref="ulong.MaxValue"/> marks a page the dump does not store, or a
    /// table read, so the caller's budget counts it too.
    /// </summary>
    private static IEnumerable<(ulong VirtualAddress, ulong Frame)> Walk(DumpFile dump, ulong tableFrame, int level, ulong baseAddress, byte[] scratch, ulong[][] levels)
    {
        yield return (0, ulong.MaxValue); // the table read counts against the budget too
        if (!dump.ContainsPage(tableFrame) || dump.ReadPhysical(tableFrame << X64Paging.PageShift, scratch) != scratch.Length)
        {
            yield break;
        }

        var entries = levels[level]; // the scratch page is reused by the levels below
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = BinaryPrimitives.ReadUInt64LittleEndian(scratch.AsSpan(i * 8));
        }

        var shift = X64Paging.PageShift + (9 * (level - 1));
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (!X64Paging.IsValid(entry))
            {
                continue;
            }

            var address = baseAddress | ((ulong)i << shift);
            var frame = (entry & X64Paging.FrameMask) >> X64Paging.PageShift;
            if (level == 1 || (level < 4 && (entry & X64Paging.LargePageBit) != 0))
            {
                var pages = 1UL << (9 * (level - 1));
                frame &= ~(pages - 1); // a large page's frame is aligned to its size
                for (var p = 0UL; p < pages; p++)
                {
                    yield return (X64Paging.Canonical(address + (p << X64Paging.PageShift)), dump.ContainsPage(frame + p) ? frame + p : ulong.MaxValue);
                }

                continue;
            }

            foreach (var page in Walk(dump, frame, level - 1, address, scratch, levels))
            {
                yield return page;
            }
        }
    }
}
