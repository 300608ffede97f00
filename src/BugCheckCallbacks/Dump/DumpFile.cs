using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Text;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Reads an x64 Windows kernel dump (MEMORY.DMP) from any writer — this library's simulated kernel, Windows, QEMU:
/// the <c>DUMP_HEADER64</c>, physical pages by address, virtual memory through the dump's own page tables, and the
/// secondary-data region, whose tags it lists like the debugger's <c>.enumtag</c> and reads like <c>ReadTagged</c>.
/// </summary>
/// <remarks>
/// <para>
/// Run-based (<c>DumpType</c> 1), bitmap (5 and 6), small memory (4, <see cref="Triage"/>) and debugger-written (8, 9,
/// 10: RDMP) dumps are read; any other type is rejected with its number and name. Opening reads the header and, for
/// bitmap dumps, the bitmap, and for small dumps their tables; everything else is read on demand.
/// </para>
/// <para>
/// Every number read from the file is checked against the file's length before it sizes a read or an allocation, and
/// every short read becomes <see cref="InvalidDumpException"/> with the offset: a corrupt or hostile file never yields
/// another exception type. <see cref="Open(string)"/> reads with positional reads, never memory-mapped (a file that
/// shrinks is an error, not a fault); <see cref="OpenMapped"/> maps it, for files the caller trusts. Not thread-safe: use
/// one reader per thread.
/// </para>
/// </remarks>
[DebuggerDisplay("STOP 0x{Header.BugCheckCode,h}, {Layout} dump, {StoredPageCount} pages")]
public sealed partial class DumpFile : ITaggedDataReader, IDisposable
{
    /// <summary>The size of an x64 page, and of every page a dump stores: 4 KiB. The project's one page-size constant.</summary>
    public const int PageSize = (int)X64Paging.PageSize;

    /// <summary>The size of the <c>DUMP_HEADER64</c> that starts every x64 kernel dump: 0x2000 bytes.</summary>
    public const int HeaderSize = DumpHeader64.Size;

    private const int PageShift = X64Paging.PageShift;
    private const int TranslationCacheLimit = 1 << 16;
    private const int TableCacheLimit = 256;
    private const ulong NotMapped = ulong.MaxValue;
    private const long MaxRegionScanBytes = 64L << 20; // how far past the body the DumpBlob header is looked for
    private const int RankWords = 8; // a page's file offset costs at most 8 population counts; the ranks take 1/8 of the bitmap

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly MappedFile? _mapped; // OpenMapped: the whole file mapped read-only
    private readonly StreamRegion _file;
    private readonly long[] _runFirstPageIndex = []; // run-based: index of each run's first page in the body
    private readonly ulong[] _bitmap = []; // bitmap dumps: bit n = page frame n is stored
    private readonly long[] _rank = []; // bitmap dumps: set bits before each block of RankWords words
    private readonly long _firstPageOffset;
    private readonly RdmpBody? _rdmp; // debugger-written dumps (types 8, 9, 10): the PFN ranges
    private readonly TriageBody? _triage; // small memory dumps (type 4): the triage data and its blocks
    private Dictionary<ulong, ulong>? _translations; // virtual page → physical page, or NotMapped
    private Dictionary<ulong, ulong[]>? _tables; // page-table frame → its 512 entries
    private (long Offset, bool Searched) _region = (-1, false);
    private DumpBlobReader? _tags; // this reader's own view of the region, so its tag index lives as long as the reader
    private bool _disposed;

    private DumpFile(Stream stream, bool leaveOpen, MappedFile? mapped = null)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _mapped = mapped;
        _file = new StreamRegion(stream, 0, stream.Length, mapped);
        Span<byte> header = new byte[DumpHeader64.Size];
        if (_file.Length < DumpHeader64.Size)
        {
            throw new InvalidDumpException(0, $"The file is {_file.Length} bytes, shorter than the 0x{DumpHeader64.Size:X}-byte DUMP_HEADER64.");
        }

        _file.ReadAt(0, header, "the DUMP_HEADER64");
        Header = DumpHeader64.Read(header);
        if (Header.DumpType == DumpHeader64.DumpTypeFull)
        {
            Layout = DumpBodyLayout.RunBased;
            _runFirstPageIndex = RunIndexes(Header.PhysicalMemoryRuns);
            _firstPageOffset = DumpHeader64.Size;
            StoredPageCount = Header.NumberOfPages;
            var bodyBytes = (long)Header.NumberOfPages * PageSize; // NumberOfPages < 2^40: checked with the runs
            if (bodyBytes > _file.Length - DumpHeader64.Size)
            {
                throw new InvalidDumpException(DumpHeader64.NumberOfPages, $"NumberOfPages 0x{Header.NumberOfPages:X} needs 0x{bodyBytes:X} bytes of pages after the header; the file has 0x{_file.Length - DumpHeader64.Size:X}.");
            }
        }
        else if (Header.DumpType == TriageDumpFormat.DumpType)
        {
            Layout = DumpBodyLayout.Triage;
            _triage = TriageBody.Read(_file, Header);
            (_firstPageOffset, StoredPageCount) = (_triage.End, 0); // no physical pages: the region follows the triage data
        }
        else if (Header.DumpType is >= DumpHeader64.DumpTypeKernelRdmp and <= DumpHeader64.DumpTypeCompleteRdmp)
        {
            Layout = DumpBodyLayout.Ranges;
            _rdmp = RdmpBody.Read(_file, Header.DumpType);
            (_firstPageOffset, StoredPageCount) = (_rdmp.FirstPageOffset, _rdmp.Pages);
        }
        else
        {
            (Layout, _firstPageOffset, StoredPageCount, _bitmap, _rank) = ReadBitmap();
        }

        BodyEnd = _firstPageOffset + ((long)StoredPageCount * PageSize);
        // A small memory dump's RequiredDumpSpace is the space Windows reserved, larger than what it wrote (verified on real
        // files: 0x197915 for a 0x160AB4-byte file), and its region runs to the end of the file. Any other type that
        // claims more than the file holds is truncated.
        if (Layout != DumpBodyLayout.Triage && (ulong)Header.RequiredDumpSpace > (ulong)_file.Length) // unsigned: 2^63 and up would read as negative and pass
        {
            throw new InvalidDumpException(DumpHeader64.RequiredDumpSpace, $"RequiredDumpSpace 0x{(ulong)Header.RequiredDumpSpace:X} is past the end of the 0x{_file.Length:X}-byte file: it is truncated.");
        }
    }

    /// <summary>Gets the header fields.</summary>
    public DumpFileHeader Header { get; }

    /// <summary>Gets how the body stores physical pages.</summary>
    public DumpBodyLayout Layout { get; }

    /// <summary>
    /// Gets what a small memory dump (<see cref="DumpBodyLayout.Triage"/>) holds: its <c>PAGEDUMP_TRIAGE</c> fields, driver
    /// list and blocks of virtual memory; <see langword="null"/> for every other dump type.
    /// </summary>
    public TriageDumpInfo? Triage => _triage?.Info;

    /// <summary>Gets the number of physical pages the body stores (0 for a small memory dump, which stores none).</summary>
    public ulong StoredPageCount { get; }

    /// <summary>
    /// Gets the file offset of the first stored page. Between the 0x2000-byte header and it lie the body's own structures: the
    /// bitmap of a bitmap dump, the PFN ranges of a debugger-written one, or a small memory dump's whole triage data (which
    /// stores no pages, so there it equals <see cref="BodyEnd"/>).
    /// </summary>
    /// <remarks>
    /// The stored pages follow it, 4 KiB each. Each run that <see cref="EnumerateStoredRuns"/> lists lies in one piece in the
    /// file, and <see cref="GetPageFileOffset"/> says where; a debugger-written dump keeps its ranges in its own order,
    /// not always ascending.
    /// </remarks>
    public long BodyStart => _firstPageOffset;

    /// <summary>Gets the file offset just past the last stored page (a small memory dump: its triage data), where the secondary-data region starts.</summary>
    public long BodyEnd { get; }

    /// <summary>Gets the file's length in bytes.</summary>
    public long Length => _file.Length;

    /// <summary>Opens a kernel dump file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The reader; it owns the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDumpException">The file is not an x64 kernel dump of a readable type, or is corrupt; or the path is a directory, a link loop, or something with no content (a FIFO, a device, an empty file), refused before it is opened.</exception>
    public static DumpFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadOnlyFile.Open(path, stream => new DumpFile(stream, leaveOpen: false));
    }

    /// <summary>Opens a kernel dump held by a stream; the dump starts at the stream's offset 0.</summary>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot read or seek.</exception>
    /// <exception cref="InvalidDumpException">The stream does not hold an x64 kernel dump of a readable type, or it is corrupt.</exception>
    public static DumpFile Open(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must support reading and seeking.", nameof(stream));
        }

        try
        {
            return new DumpFile(stream, leaveOpen);
        }
        catch when (!leaveOpen)
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Gets a value indicating whether <paramref name="start"/> begins like an x64 kernel dump (<c>"PAGEDU64"</c>).</summary>
    /// <param name="start">The first bytes of a file.</param>
    /// <returns><see langword="true"/> for an x64 kernel dump header.</returns>
    public static bool HasSignature(ReadOnlySpan<byte> start) =>
        start.StartsWith(DumpHeader64.Page) && start[4..].StartsWith(DumpHeader64.ValidDump64);

    /// <summary>Gets a value indicating whether the dump has a secondary-data region (a DumpBlob header after the body).</summary>
    /// <remarks>The header is looked for at the end of the body (where a small memory dump's starts, whatever its alignment), then on 8-byte boundaries up to 64 MiB past it (and never past <c>RequiredDumpSpace</c>).</remarks>
    /// <exception cref="InvalidDumpException">The file ends inside the region's search range.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public bool HasSecondaryData => FindRegion() >= 0;

    /// <summary>Gets the file offset of the secondary-data region's DumpBlob header, or −1 when there is none.</summary>
    /// <exception cref="InvalidDumpException">The file ends inside the region's search range.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public long SecondaryDataOffset => FindRegion();

    /// <summary>Opens a reader over the secondary-data region, from its DumpBlob header to <c>RequiredDumpSpace</c> (a small memory dump's: to the end of the file).</summary>
    /// <returns>A reader that shares this file's stream; dispose it or not, the file stays open.</returns>
    /// <exception cref="InvalidOperationException">The dump has no secondary-data region (see <see cref="HasSecondaryData"/>).</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public DumpBlobReader OpenSecondaryData()
    {
        var start = FindRegion();
        if (start < 0)
        {
            throw new InvalidOperationException("The dump has no secondary-data region: no DumpBlob header follows the body.");
        }

        return new DumpBlobReader(_stream, leaveOpen: true, start, RegionEnd - start);
    }

    /// <inheritdoc/>
    public IEnumerable<DumpTag> EnumerateTags() => HasSecondaryData ? Tags.EnumerateTags() : [];

    /// <inheritdoc/>
    public int ReadTagged(Guid tag, Span<byte> buffer, out uint totalSize) =>
        TryReadTagged(tag, 0, buffer, out var read, out totalSize) ? read : throw TaggedDataReaderExtensions.TagNotFound(tag);

    /// <inheritdoc/>
    public bool TryReadTagged(Guid tag, uint offset, Span<byte> buffer, out int bytesRead, out uint totalSize)
    {
        if (HasSecondaryData)
        {
            return Tags.TryReadTagged(tag, offset, buffer, out bytesRead, out totalSize);
        }

        (bytesRead, totalSize) = (0, 0);
        return false;
    }

    /// <inheritdoc/>
    public Stream OpenTag(Guid tag) =>
        HasSecondaryData ? Tags.OpenTag(tag) : throw TaggedDataReaderExtensions.TagNotFound(tag);

    private DumpBlobReader Tags => _tags ??= OpenSecondaryData();

    /// <summary>Releases the stream unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _mapped?.Dispose();
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private static long[] RunIndexes(IReadOnlyList<PhysicalMemoryRun> runs)
    {
        var indexes = new long[runs.Count];
        var next = 0L;
        for (var i = 0; i < runs.Count; i++)
        {
            indexes[i] = next;
            next += (long)runs[i].PageCount;
        }

        return indexes;
    }

    /// <summary>
    /// Where the secondary-data region ends: <c>RequiredDumpSpace</c>; for a small memory dump, or where the field is absent
    /// ("PAGE"), the end of the file.
    /// </summary>
    private long RegionEnd => Layout == DumpBodyLayout.Triage || Header.RequiredDumpSpace == 0 ? _file.Length : Header.RequiredDumpSpace;

    /// <summary>Finds the DumpBlob header: right after the body, else on the first 8-byte boundary before <c>RequiredDumpSpace</c>.</summary>
    private long FindRegion()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_region.Searched)
        {
            return _region.Offset;
        }

        // The region follows the body; padding before it is possible in a dump Windows wrote (KERNEL-DUMP.md §5), so the
        // scan goes on, but at most MaxRegionScanBytes: a sparse 64 GiB file is not read to its end to find nothing.
        var end = Math.Min(RegionEnd, ((BodyEnd + 7) & ~7L) + MaxRegionScanBytes);
        var found = -1L;
        Span<byte> window = new byte[64 * 1024];
        if (BodyEnd % DumpBlob.Alignment != 0 && BodyEnd <= end - DumpBlob.FileHeaderSize)
        {
            // Windows starts a small memory dump's region exactly at SizeOfDump, ValidOffset + 4: not on an 8-byte boundary.
            _file.ReadAt(BodyEnd, window[..DumpBlob.FileHeaderSize], "the secondary-data region");
            if (DumpBlob.TryReadFileHeader(window[..DumpBlob.FileHeaderSize], out _))
            {
                _region = (BodyEnd, true);
                return BodyEnd;
            }
        }

        for (var start = (BodyEnd + 7) & ~7L; start <= end - DumpBlob.FileHeaderSize && found < 0;)
        {
            var length = (int)Math.Min(window.Length, end - start);
            _file.ReadAt(start, window[..length], "the secondary-data region");
            for (var at = 0; at <= length - DumpBlob.FileHeaderSize; at += DumpBlob.Alignment)
            {
                if (DumpBlob.TryReadFileHeader(window[at..length], out _))
                {
                    found = start + at;
                    break;
                }
            }

            start += length - DumpBlob.FileHeaderSize + DumpBlob.Alignment; // headers may straddle two windows
        }

        _region = (found, true);
        return found;
    }

    private static uint U32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);

    internal static string Ascii(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 2).Append('"');
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return text.Append('"').ToString();
    }

    /// <summary>Describes an on-disk <c>DumpType</c> value in words (8: kernel memory, RDMP, the debugger's <c>.dump /k</c>).</summary>
    /// <param name="dumpType">The header's <c>DumpType</c>.</param>
    /// <returns>What the value is, or "not a dump type".</returns>
    public static string DescribeDumpType(uint dumpType) => DumpTypeName(dumpType);

    private static string DumpTypeName(uint dumpType) => dumpType switch
    {
        1 => "full, run-based",
        2 => "summary",
        3 => "header only",
        4 => "small memory dump (triage)",
        5 => "bitmap",
        6 => "live kernel bitmap",
        7 => "automatic",
        8 => "kernel memory, RDMP, the debugger's .dump /k",
        9 => "kernel and user memory, RDMP, the debugger's .dump /ka",
        10 => "complete memory, RDMP, the debugger's .dump /f",
        _ => "not a dump type",
    };
}
