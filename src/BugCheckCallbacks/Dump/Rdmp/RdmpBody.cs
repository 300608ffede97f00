using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// The body of a dump the debugger writes (DumpType 8 <c>.dump /k</c>, 9 <c>.dump /ka</c>, 10 <c>.dump /f</c>;
/// docs/dump-format.md, after kdmp-parser's <c>RDMP_HEADER64</c>): at 0x2000 a 0x20-byte header (marker 0x40, "RDMP",
/// "DUMP", MetadataSize, FirstPageOffset), then from 0x2030 ranges of {first PFN, page count}, ended by a PFN of 0 (type 10
/// also when TotalNumberOfPages are counted); the pages follow at FirstPageOffset in range order.
/// </summary>
internal sealed class RdmpBody
{
    public const int HeaderOffset = DumpHeader64.Size;
    public const int MetadataSizeField = HeaderOffset + 0x10;
    public const int FirstPageField = HeaderOffset + 0x18;
    public const int TotalPagesField = HeaderOffset + 0x28;
    public const int RangesOffset = HeaderOffset + 0x30;
    public const uint Marker = 0x40;
    public const uint DumpTypeComplete = 10;
    private const int RangeSize = 16;

    private readonly PhysicalMemoryRun[] _byFrame; // sorted by BasePage
    private readonly long[] _firstIndex; // each sorted range's first page's index in the file's page order

    private RdmpBody(long firstPageOffset, ulong pages, PhysicalMemoryRun[] byFrame, long[] firstIndex)
    {
        FirstPageOffset = firstPageOffset;
        Pages = pages;
        _byFrame = byFrame;
        _firstIndex = firstIndex;
    }

    public long FirstPageOffset { get; }

    public ulong Pages { get; }

    /// <summary>The stored ranges, ascending by page frame.</summary>
    public IReadOnlyList<PhysicalMemoryRun> Runs => _byFrame;

    /// <summary>Reads and checks the header and the ranges: every number is checked against the file before it sizes anything.</summary>
    public static RdmpBody Read(StreamRegion file, uint dumpType)
    {
        Span<byte> header = stackalloc byte[0x30];
        var (metadataSize, firstPage) = ReadHeader(file, header);
        var (ranges, counted) = ReadRanges(file, metadataSize, firstPage, dumpType == DumpTypeComplete ? BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]) : ulong.MaxValue);
        return Index(ranges, (long)firstPage, counted);
    }

    /// <summary>The RDMP header at 0x2000: its marker and signatures, and MetadataSize and FirstPageOffset, which must agree with each other and the file.</summary>
    private static (ulong MetadataSize, ulong FirstPage) ReadHeader(StreamRegion file, Span<byte> header)
    {
        if (file.Length < RangesOffset)
        {
            throw new InvalidDumpException(HeaderOffset, $"The file ends at 0x{file.Length:X}, inside the RDMP header at 0x{HeaderOffset:X}.");
        }

        file.ReadAt(HeaderOffset, header, "the RDMP header");
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Marker || !header[4..].StartsWith("RDMP"u8) || !header[8..].StartsWith("DUMP"u8))
        {
            throw new InvalidDumpException(HeaderOffset, "The RDMP header at 0x2000 does not read 0x40, \"RDMP\", \"DUMP\": not a dump the debugger's .dump wrote.");
        }

        var metadataSize = BinaryPrimitives.ReadUInt64LittleEndian(header[0x10..]);
        var firstPage = BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
        if (metadataSize % RangeSize != 0 || metadataSize < 0x20 || metadataSize > (ulong)file.Length || firstPage != metadataSize + (HeaderOffset + 0x20))
        {
            throw new InvalidDumpException(MetadataSizeField, $"MetadataSize 0x{metadataSize:X} and FirstPageOffset 0x{firstPage:X} disagree: MetadataSize must be a multiple of 16 within the file, and FirstPageOffset 0x2020 + MetadataSize.");
        }

        if (firstPage > (ulong)file.Length)
        {
            throw new InvalidDumpException(FirstPageField, $"FirstPageOffset 0x{firstPage:X} is past the end of the 0x{file.Length:X}-byte file.");
        }

        return (metadataSize, firstPage);
    }

    /// <summary>The PFN ranges up to the zero PFN that ends them (or, in a complete dump, TotalNumberOfPages), each checked against 2^52 and the pages the file holds.</summary>
    private static (List<PhysicalMemoryRun> Ranges, ulong Counted) ReadRanges(StreamRegion file, ulong metadataSize, ulong firstPage, ulong total)
    {
        var maxPages = ((ulong)file.Length - firstPage) / X64Paging.PageSize;
        var ranges = new List<PhysicalMemoryRun>();
        var counted = 0UL;
        var chunk = new byte[Math.Min(metadataSize, 0x10000UL)]; // the ranges are read 64 KiB at a time, not one call each
        var chunkStart = -1L;
        for (var offset = 0UL; offset < metadataSize && counted != total; offset += RangeSize)
        {
            var at = (long)((ulong)RangesOffset + offset);
            if (at + RangeSize > file.Length)
            {
                throw new InvalidDumpException(at, $"The range at 0x{at:X} is past the end of the file.");
            }

            if (chunkStart < 0 || at + RangeSize > chunkStart + chunk.Length)
            {
                chunkStart = at;
                var length = (int)Math.Min(chunk.Length, file.Length - at) & ~(RangeSize - 1);
                file.ReadAt(at, chunk.AsSpan(0, length), "the RDMP ranges");
            }

            var entry = chunk.AsSpan((int)(at - chunkStart), RangeSize);
            var (pfn, count) = (BinaryPrimitives.ReadUInt64LittleEndian(entry), BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]));
            if (pfn == 0)
            {
                break; // the list's end
            }

            if (count > maxPages - counted || pfn >= X64Paging.PhysicalAddressLimit >> X64Paging.PageShift || count > (X64Paging.PhysicalAddressLimit >> X64Paging.PageShift) - pfn)
            {
                throw new InvalidDumpException(at, $"The range at 0x{at:X} (PFN 0x{pfn:X}, 0x{count:X} pages) passes 2^52 or needs more pages than the 0x{maxPages:X} the file holds after FirstPageOffset.");
            }

            if (count > total - counted)
            {
                throw new InvalidDumpException(at, $"The range at 0x{at:X} (0x{count:X} pages) passes TotalNumberOfPages 0x{total:X}.");
            }

            if (count > 0)
            {
                ranges.Add(new PhysicalMemoryRun(pfn, count));
            }

            counted += count;
        }

        return (ranges, counted);
    }

    /// <summary>The file offset of page frame <paramref name="frame"/>, or −1 when no range holds it.</summary>
    public long PageOffset(ulong frame)
    {
        int low = 0, high = _byFrame.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_byFrame[middle].EndPage <= frame)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low < _byFrame.Length && _byFrame[low].BasePage <= frame
            ? FirstPageOffset + ((_firstIndex[low] + (long)(frame - _byFrame[low].BasePage)) * X64Paging.PageSize)
            : -1;
    }

    private static RdmpBody Index(List<PhysicalMemoryRun> ranges, long firstPage, ulong pages)
    {
        var order = new int[ranges.Count];
        var index = new long[ranges.Count];
        for (long i = 0, before = 0; i < ranges.Count; before += (long)ranges[(int)i].PageCount, i++)
        {
            order[i] = (int)i;
            index[i] = before;
        }

        var byFrame = ranges.ToArray();
        Array.Sort(byFrame.Select(r => r.BasePage).ToArray(), order);
        var sorted = order.Select(i => byFrame[i]).ToArray();
        var firstIndex = order.Select(i => index[i]).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].BasePage < sorted[i - 1].EndPage)
            {
                throw new InvalidDumpException(RangesOffset + ((long)order[i] * RangeSize), $"The range of PFN 0x{sorted[i].BasePage:X} overlaps the range of PFN 0x{sorted[i - 1].BasePage:X}: a page would be stored twice.");
            }
        }

        return new RdmpBody(firstPage, pages, sorted, firstIndex);
    }
}
