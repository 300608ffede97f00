namespace BugCheckCallbacks.Dump;

/// <summary>
/// Lays out an x64 kernel dump and emits it as writes of at most 1 MiB, in file order and each byte once, as Windows
/// writes a dump (KERNEL-DUMP.md §10): the 0x2000-byte <c>DUMP_HEADER64</c>, already final (its <c>RequiredDumpSpace</c>
/// counts the secondary-data region sized before it); the body (run-based, or a bitmap header, the bitmap and the stored
/// pages); then the region in the DumpBlob layout, zero-filled to its reserved size. Offsets never go back, so a reader
/// that appends each write rebuilds the file. It takes bytes, never callbacks. Memory use is two fixed buffers whatever
/// the dump's size.
/// </summary>
internal sealed class KernelDumpWriter
{
    public const int ChunkBytes = 1 << 20;
    private const int PageSize = (int)X64Paging.PageSize;
    private const int PagesPerChunk = ChunkBytes / PageSize;

    /// <summary>Gets how the dump written for <paramref name="dumpType"/> stores its pages (docs/dump-format.md).</summary>
    public static DumpBodyLayout LayoutFor(DumpType dumpType) => dumpType switch
    {
        DumpType.Full => DumpBodyLayout.RunBased,
        DumpType.BitmapFull => DumpBodyLayout.CompleteBitmap,
        DumpType.Triage => DumpBodyLayout.Triage,
        _ => DumpBodyLayout.KernelBitmap, // Summary, BitmapKernel, Automatic; and Header (no public layout)
    };

    /// <summary>The <c>DUMP_HEADER64.DumpType</c> a dump of <paramref name="layout"/> is written with; <see cref="DumpFile"/> reads it back.</summary>
    private static uint OnDiskType(DumpBodyLayout layout) => layout switch
    {
        DumpBodyLayout.RunBased => DumpHeader64.DumpTypeFull,
        DumpBodyLayout.Triage => TriageDumpFormat.DumpType,
        _ => DumpHeader64.DumpTypeBitmap,
    };

    private readonly DumpFileHeader _header;
    private readonly DumpBodyLayout _layout;
    private readonly (ulong Start, ulong End)[] _frames;
    private readonly IPhysicalPageSource _pages;
    private readonly IDumpWriteTarget _target;
    private readonly uint _buildNumber;
    private readonly long _regionSize;
    private readonly TriageLayout? _triage;
    private byte[]? _writtenHeader; // a small memory dump copies the header's CONTEXT and exception into its triage data
    private static readonly byte[] s_zeros = new byte[DumpBlob.Alignment];

    private readonly byte[] _chunk = new byte[ChunkBytes];
    private readonly ulong _bitmapBits;
    private readonly long _firstPage;
    private long _regionEnd; // the file offset of the region's first byte not yet emitted
    private int _pending; // region bytes waiting in the chunk

    /// <param name="header">Every header field but <c>DumpType</c> and <c>RequiredDumpSpace</c>, which the writer computes.</param>
    /// <param name="dumpType">The dump type the crash asked for: it decides the body's layout (<see cref="LayoutFor"/>) and the header's <c>DumpType</c>.</param>
    /// <param name="frames">The stored page frames: sorted, disjoint, non-adjacent [Start, End) ranges within the runs.</param>
    /// <param name="pages">The content of every stored frame.</param>
    /// <param name="target">Where the writes go.</param>
    /// <param name="regionSize">The bytes reserved for the secondary-data region (0: none), fixed before the header is written.</param>
    /// <param name="triage">The triage data of a small memory dump (<see cref="DumpBodyLayout.Triage"/>); null for the other layouts.</param>
    public KernelDumpWriter(DumpFileHeader header, DumpType dumpType, (ulong Start, ulong End)[] frames, IPhysicalPageSource pages, IDumpWriteTarget target, long regionSize, TriageLayout? triage = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(regionSize);
        var layout = LayoutFor(dumpType);
        if ((layout == DumpBodyLayout.Triage) != (triage is not null))
        {
            throw new ArgumentException("A small memory dump, and only it, takes triage data.", nameof(triage));
        }

        _regionSize = regionSize;
        _triage = triage;
        _header = header with { DumpType = OnDiskType(layout) };
        _layout = layout;
        _frames = frames;
        _pages = pages;
        _target = target;
        _buildNumber = header.MinorVersion;
        StoredPages = frames.Aggregate(0UL, (sum, range) => sum + (range.End - range.Start));
        if (triage is not null)
        {
            _firstPage = DumpHeader64.Size; // no pages (the frames are empty): the triage data is the body
            BodyEnd = triage.SizeOfDump; // a file offset, as every triage offset is
        }
        else if (layout == DumpBodyLayout.RunBased)
        {
            _firstPage = DumpHeader64.Size;
            BodyEnd = _firstPage + ((long)header.NumberOfPages * PageSize);
        }
        else
        {
            var pageLimit = header.PhysicalMemoryRuns.Count == 0 ? 0 : header.PhysicalMemoryRuns[^1].EndPage;
            _bitmapBits = (pageLimit + 31) & ~31UL; // both readers agree on a multiple of 32 bits
            _firstPage = AlignToPage(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapHeaderSize + (long)(_bitmapBits / 8));
            BodyEnd = _firstPage + ((long)StoredPages * PageSize);
        }

        _regionEnd = BodyEnd;
    }

    /// <summary>Gets the file offset just past the body, where the secondary-data region starts.</summary>
    public long BodyEnd { get; }

    /// <summary>Gets the number of pages the body stores (for a run-based dump, the pages that are not zero-filled).</summary>
    public ulong StoredPages { get; }

    /// <summary>Gets the file's final length, the header's <c>RequiredDumpSpace</c>: the body's end plus the reserved region.</summary>
    public long RequiredDumpSpace => BodyEnd + _regionSize;

    /// <summary>Writes the header, once and final: <c>RequiredDumpSpace</c> covers the header, the body and the reserved region.</summary>
    public void WriteHeader()
    {
        DumpHeader64.Write(_header with { RequiredDumpSpace = RequiredDumpSpace }, _chunk);
        if (_triage is not null)
        {
            _writtenHeader = _chunk.AsSpan(0, DumpHeader64.Size).ToArray();
        }

        var offset = 0L;
        Emit(DumpIoType.Header, ref offset, DumpHeader64.Size);
    }

    /// <summary>Writes the body: every stored page (run-based: every page of every run, zeros where not stored).</summary>
    public void WriteBody()
    {
        if (_triage is not null)
        {
            WriteTriageData();
        }
        else if (_layout == DumpBodyLayout.RunBased)
        {
            WriteRunBasedPages();
        }
        else
        {
            WriteBitmap();
            WriteStoredPages();
        }
    }

    /// <summary>
    /// Appends one blob to the secondary-data region (the region's 16-byte header goes before the first). The region is
    /// written in pieces of up to 1 MiB, as the body is, not one write per blob: a DumpIo callback sees as many writes
    /// for 100,000 small blobs as for one large one. <see cref="FinishRegion"/> writes the rest.
    /// </summary>
    /// <exception cref="InvalidOperationException">The blob does not fit in what is left of the region reserved before the header.</exception>
    public void WriteBlob(Guid tag, ReadOnlySpan<byte> data)
    {
        StartRegion();
        var left = RequiredDumpSpace - (_regionEnd + _pending);
        if (DumpBlob.BlobHeaderSize + (((long)data.Length + DumpBlob.Alignment - 1) & ~(long)(DumpBlob.Alignment - 1)) > left)
        {
            throw new InvalidOperationException($"A blob of 0x{data.Length:X} bytes does not fit in the 0x{left:X} bytes left of the reserved region: the header already promised the file's size.");
        }

        Span<byte> header = stackalloc byte[DumpBlob.BlobHeaderSize];
        var postPad = DumpBlob.WriteBlobHeader(header, tag, (uint)data.Length);
        var offset = _regionEnd;
        Append(DumpIoType.SecondaryData, header, ref offset, ref _pending);
        Append(DumpIoType.SecondaryData, data, ref offset, ref _pending);
        Append(DumpIoType.SecondaryData, s_zeros.AsSpan(0, postPad), ref offset, ref _pending);
        _regionEnd = offset; // the file offset the pending bytes start at
    }

    /// <summary>
    /// Writes the region's bytes not written yet and zeros up to its reserved end, so the file is <see cref="RequiredDumpSpace"/>
    /// bytes long (a reader stops at the first zero blob header). A region with no blob still has its 16-byte header.
    /// </summary>
    public void FinishRegion()
    {
        if (_regionSize == 0)
        {
            return;
        }

        StartRegion();
        var offset = _regionEnd;
        for (var left = RequiredDumpSpace - (offset + _pending); left > 0;)
        {
            if (_pending == ChunkBytes)
            {
                Emit(DumpIoType.SecondaryData, ref offset, _pending);
                _pending = 0;
            }

            var take = (int)Math.Min(left, ChunkBytes - _pending);
            _chunk.AsSpan(_pending, take).Clear();
            _pending += take;
            left -= take;
        }

        if (_pending > 0)
        {
            Emit(DumpIoType.SecondaryData, ref offset, _pending);
            _pending = 0;
        }

        _regionEnd = offset;
    }

    /// <summary>Puts the region's 16-byte header before its first byte.</summary>
    private void StartRegion()
    {
        if (_regionEnd == BodyEnd && _pending == 0)
        {
            if (_regionSize < DumpBlob.FileHeaderSize)
            {
                throw new InvalidOperationException($"The dump reserved {_regionSize} bytes for secondary data, less than the 16-byte DumpBlob header.");
            }

            DumpBlob.WriteFileHeader(_chunk, _buildNumber);
            _pending = DumpBlob.FileHeaderSize;
        }
    }

    private void WriteRunBasedPages()
    {
        var offset = _firstPage;
        var next = 0; // the first stored range that may hold the frames being written
        foreach (var run in _header.PhysicalMemoryRuns)
        {
            for (var frame = run.BasePage; frame < run.EndPage;)
            {
                var count = (int)Math.Min(PagesPerChunk, run.EndPage - frame);
                for (var i = 0; i < count; i++, frame++)
                {
                    var page = _chunk.AsSpan(i * PageSize, PageSize);
                    while (next < _frames.Length && _frames[next].End <= frame)
                    {
                        next++;
                    }

                    if (next < _frames.Length && _frames[next].Start <= frame)
                    {
                        _pages.ReadPage(frame, page);
                    }
                    else
                    {
                        page.Clear(); // a removed page: the run-based layout has a slot for it, so it is zero
                    }
                }

                Emit(DumpIoType.Body, ref offset, count * PageSize);
            }
        }
    }

    /// <summary>Writes a small memory dump's triage data, [0x2000, SizeOfDump), in pieces of up to 1 MiB.</summary>
    private void WriteTriageData()
    {
        var offset = _firstPage;
        var used = 0;
        _triage!.Write(bytes => Append(DumpIoType.Body, bytes, ref offset, ref used));
        if (used > 0)
        {
            Emit(DumpIoType.Body, ref offset, used);
        }
    }

    /// <summary>Writes [0x2000, first page): the bitmap header, the bitmap, and zeros up to the page boundary.</summary>
    private void WriteBitmap()
    {
        const long Area = DumpHeader64.BitmapHeaderOffset;
        const int HeaderSize = DumpHeader64.BitmapHeaderSize;
        Span<byte> header = stackalloc byte[HeaderSize];
        DumpHeader64.WriteBitmapHeader(header, _layout, (ulong)_firstPage, StoredPages, _bitmapBits);
        var bitmapEnd = HeaderSize + (long)(_bitmapBits / 8); // relative to the area
        var next = 0;
        for (var offset = Area; offset < _firstPage;)
        {
            var length = (int)Math.Min(ChunkBytes, _firstPage - offset);
            var piece = _chunk.AsSpan(0, length);
            piece.Clear();
            var at = offset - Area;
            if (at < HeaderSize)
            {
                var part = header[(int)at..];
                part[..Math.Min(part.Length, length)].CopyTo(piece);
            }

            var from = Math.Max(at, HeaderSize);
            var to = Math.Min(at + length, bitmapEnd);
            if (from < to)
            {
                FillBitmap(piece.Slice((int)(from - at), (int)(to - from)), (ulong)(from - HeaderSize) * 8, ref next);
            }

            Emit(DumpIoType.Body, ref offset, length);
        }
    }

    /// <summary>Sets the bits of the stored frames that fall in [<paramref name="firstBit"/>, + 8 × length).</summary>
    private void FillBitmap(Span<byte> bitmap, ulong firstBit, ref int next)
    {
        bitmap.Clear();
        var endBit = firstBit + ((ulong)bitmap.Length * 8);
        while (next < _frames.Length && _frames[next].Start < endBit)
        {
            var from = Math.Max(_frames[next].Start, firstBit) - firstBit;
            var to = Math.Min(_frames[next].End, endBit) - firstBit;
            for (var bit = from; bit < to; bit++)
            {
                bitmap[(int)(bit >> 3)] |= (byte)(1 << (int)(bit & 7));
            }

            if (_frames[next].End > endBit)
            {
                break; // the range goes on in the next piece
            }

            next++;
        }
    }

    private void WriteStoredPages()
    {
        var offset = _firstPage;
        var used = 0;
        foreach (var (start, end) in _frames)
        {
            for (var frame = start; frame < end; frame++)
            {
                _pages.ReadPage(frame, _chunk.AsSpan(used, PageSize));
                used += PageSize;
                if (used == ChunkBytes)
                {
                    Emit(DumpIoType.Body, ref offset, used);
                    used = 0;
                }
            }
        }

        if (used > 0)
        {
            Emit(DumpIoType.Body, ref offset, used);
        }
    }

    private void Emit(DumpIoType type, ref long offset, int length)
    {
        _target.Write(type, offset, _chunk.AsMemory(0, length));
        offset += length;
    }

    /// <summary>Copies <paramref name="bytes"/> into the chunk after <paramref name="used"/> bytes, emitting each full chunk.</summary>
    private void Append(DumpIoType type, ReadOnlySpan<byte> bytes, ref long offset, ref int used)
    {
        while (!bytes.IsEmpty)
        {
            if (used == ChunkBytes)
            {
                Emit(type, ref offset, used);
                used = 0;
            }

            var take = Math.Min(bytes.Length, ChunkBytes - used);
            bytes[..take].CopyTo(_chunk.AsSpan(used));
            used += take;
            bytes = bytes[take..];
        }
    }

    private static long AlignToPage(long value) => (value + (PageSize - 1)) & ~(long)(PageSize - 1);
}
