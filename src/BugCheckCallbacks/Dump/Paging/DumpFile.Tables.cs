using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>The page tables themselves: which stored pages are paging structures.</summary>
public sealed partial class DumpFile
{
    /// <summary>
    /// Lists the page-table pages the dump stores, walking from <see cref="DumpFileHeader.DirectoryTableBase"/>: the PML4,
    /// then every page-directory-pointer table, page directory and page table that a valid entry leads to, level by level.
    /// </summary>
    /// <returns>
    /// The tables, each page frame once (a table two entries share is listed at the first level it is met); empty for a small
    /// memory dump, which has no page tables. A table the dump does not store is not listed and not followed.
    /// </returns>
    /// <remarks>
    /// The walk reads each stored page at most once, so its cost is bounded by the body, whatever the entries say; large
    /// pages (2 MiB, 1 GiB) end their branch, as page tables' entries do: they point at data, not tables.
    /// </remarks>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page-table page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public IEnumerable<PagingStructure> EnumeratePagingStructures()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return !HasX64PageTables ? [] : Walk();

        IEnumerable<PagingStructure> Walk()
        {
            var seen = new HashSet<ulong>();
            var page = new byte[PageSize];
            List<ulong> level = [Header.DirectoryTableBase >> PageShift];
            for (var depth = 4; depth >= 1 && level.Count > 0; depth--)
            {
                List<ulong> next = [];
                foreach (var frame in level)
                {
                    if (!seen.Add(frame) || ReadPhysical(frame << PageShift, page) != PageSize)
                    {
                        continue; // met before, or not stored: nothing to read below it
                    }

                    yield return new PagingStructure(frame, depth);
                    if (depth == 1)
                    {
                        continue; // a page table's entries map data pages
                    }

                    for (var i = 0; i < X64Paging.EntriesPerTable; i++)
                    {
                        var entry = BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(i * 8));
                        if (X64Paging.IsValid(entry) && (depth == 4 || (entry & X64Paging.LargePageBit) == 0))
                        {
                            next.Add((entry & X64Paging.FrameMask) >> PageShift);
                        }
                    }
                }

                level = next;
            }
        }
    }
}
