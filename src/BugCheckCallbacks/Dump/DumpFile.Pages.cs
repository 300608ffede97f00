using System.Buffers;
using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Dump;

/// <summary>Bulk reads for scanners (hashing, carving, searching): whole pages in large reads, nothing allocated per page.</summary>
public sealed partial class DumpFile
{
    /// <summary>The most bytes one bulk read asks for: 1 MiB, 256 pages.</summary>
    public const int BulkReadBytes = 1 << 20;

    /// <summary>
    /// Opens a kernel dump file mapped into memory, read-only: reads are copies out of the mapping, with no system call,
    /// for files the caller trusts not to shrink while open.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The reader; it owns the file and the mapping.</returns>
    /// <remarks>
    /// Every offset is checked against the file's length at open, as <see cref="Open(string)"/> does, but a file that is
    /// truncated <em>after</em> it is mapped faults the process on the next read of a page past its new end (SIGBUS on
    /// Linux and macOS, an access violation on Windows): no exception can be caught. <see cref="Open(string)"/> reads with
    /// positional reads and turns a file that shrank into <see cref="InvalidDumpException"/>; use it for files you do not
    /// control.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDumpException">The file is not an x64 kernel dump of a readable type, or is corrupt; or the path is a directory, a link loop, or something with no content, as <see cref="Open(string)"/> says.</exception>
    public static DumpFile OpenMapped(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadOnlyFile.Open(path, stream =>
        {
            if (stream.Length < DumpHeader64.Size)
            {
                return new DumpFile(stream, leaveOpen: false); // too short to map: the usual error, with its offset
            }

            var mapped = new MappedFile(stream);
            try
            {
                return new DumpFile(stream, leaveOpen: false, mapped);
            }
            catch
            {
                mapped.Dispose();
                throw;
            }
        });
    }

    /// <summary>Gets a value indicating whether the file is read through a memory mapping (<see cref="OpenMapped"/>).</summary>
    public bool IsMapped => _mapped is not null;

    /// <summary>
    /// Calls <paramref name="visitor"/> for every stored physical page in file order (ascending page frame, except in an
    /// RDMP dump whose ranges are not ascending), reading up to <see cref="BulkReadBytes"/> at a time.
    /// </summary>
    /// <param name="visitor">Receives each page; return <see langword="false"/> to stop.</param>
    /// <returns>The number of pages visited.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="visitor"/> is null.</exception>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long ForEachStoredPage(StoredPageVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var runs = EnumerateStoredRuns().Select(run => (Run: run, Offset: PageOffset(run.BasePage))).ToList();
        runs.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        var buffer = ArrayPool<byte>.Shared.Rent(BulkReadBytes);
        try
        {
            var visited = 0L;
            foreach (var (run, offset) in runs)
            {
                for (var page = 0UL; page < run.PageCount;)
                {
                    var count = (int)Math.Min(run.PageCount - page, (ulong)(BulkReadBytes / PageSize));
                    var bytes = Pages(offset + ((long)page * PageSize), count * PageSize, buffer);
                    for (var i = 0; i < count; i++)
                    {
                        visited++;
                        if (!visitor(run.BasePage + page + (ulong)i, bytes.Slice(i * PageSize, PageSize)))
                        {
                            return visited;
                        }
                    }

                    page += (ulong)count;
                }
            }

            return visited;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the physical pages <paramref name="pageFrames"/> names, in file order rather than the order given: the reads
    /// are sorted by file offset and pages next to each other in the file are merged into reads of up to
    /// <see cref="BulkReadBytes"/>. Pages the dump does not store are skipped; a page named twice is visited twice.
    /// </summary>
    /// <param name="pageFrames">The page frame numbers (physical address / 0x1000).</param>
    /// <param name="visitor">Receives each stored page; return <see langword="false"/> to stop.</param>
    /// <returns>The number of pages visited.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="visitor"/> is null.</exception>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long ReadPages(ReadOnlySpan<ulong> pageFrames, StoredPageVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var wanted = new (long Offset, ulong Frame)[pageFrames.Length];
        var stored = 0;
        foreach (var frame in pageFrames)
        {
            if (PageOffset(frame) is var offset and >= 0)
            {
                wanted[stored++] = (offset, frame);
            }
        }

        Array.Sort(wanted, 0, stored);
        var buffer = ArrayPool<byte>.Shared.Rent(BulkReadBytes);
        try
        {
            var visited = 0L;
            for (var first = 0; first < stored;)
            {
                // The pages from first on that follow one another in the file (a page named twice reuses its bytes).
                var last = first;
                var span = 1;
                while (last + 1 < stored && span < BulkReadBytes / PageSize &&
                       (wanted[last + 1].Offset == wanted[last].Offset || wanted[last + 1].Offset == wanted[last].Offset + PageSize))
                {
                    span += wanted[last + 1].Offset == wanted[last].Offset ? 0 : 1;
                    last++;
                }

                var start = wanted[first].Offset;
                var bytes = Pages(start, span * PageSize, buffer);
                for (var i = first; i <= last; i++)
                {
                    visited++;
                    if (!visitor(wanted[i].Frame, bytes.Slice((int)(wanted[i].Offset - start), PageSize)))
                    {
                        return visited;
                    }
                }

                first = last + 1;
            }

            return visited;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Stored pages at <paramref name="offset"/>: read into <paramref name="buffer"/>, or, mapped, the mapped bytes themselves (no copy).</summary>
    private ReadOnlySpan<byte> Pages(long offset, int length, byte[] buffer)
    {
        if (_mapped is not null)
        {
            if (offset < 0 || offset > _file.Length - length)
            {
                throw new InvalidDumpException(offset, $"stored pages ({length} bytes) run past the end of the file at 0x{_file.Length:X}.");
            }

            return _mapped.Bytes(offset, length);
        }

        var bytes = buffer.AsSpan(0, length);
        _file.ReadAt(offset, bytes, "stored pages");
        return bytes;
    }
}
