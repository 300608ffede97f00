using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Reads a .bcdump file written by <see cref="DumpFileWriter"/>: the header and section table at open, everything else
/// lazily — secondary-data tags (like <c>.enumtag</c>), tagged data (like <c>ReadTagged</c>), body ranges, triage blocks
/// and the outcome report.
/// </summary>
/// <remarks>
/// Opening checks the magic, version, header and section-table checksums and that the file is complete; every number
/// read from the file is checked against the file's size before it sizes anything. Section checksums are checked when a
/// section is read whole (<see cref="ReadOutcome"/>, <see cref="VerifyChecksums"/>). Not thread-safe.
/// </remarks>
[DebuggerDisplay("STOP 0x{Header.BugCheckCode,h} {Header.DumpType} dump")]
public sealed class DumpFile : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly StreamRegion _file;
    private readonly DumpSection[] _sections;
    private BugCheckOutcome? _outcome;
    private bool _disposed;

    private DumpFile(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _file = new StreamRegion(stream, 0, stream.Length);
        Header = ReadHeader(out var tableOffset, out var sectionCount);
        _sections = ReadSectionTable(tableOffset, sectionCount);
    }

    /// <summary>Gets the file header.</summary>
    public DumpFileHeader Header { get; }

    /// <summary>Gets the sections, in file order.</summary>
    public IReadOnlyList<DumpSection> Sections => _sections;

    /// <summary>Opens a dump file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The reader; it owns the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidDumpException">The file is not a valid, complete dump.</exception>
    public static DumpFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadOnlyFile.Open(path, stream => new DumpFile(stream, leaveOpen: false));
    }

    /// <summary>Opens a dump held by a stream.</summary>
    /// <param name="stream">A readable, seekable stream positioned anywhere; the dump starts at offset 0.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot read or seek.</exception>
    /// <exception cref="InvalidDumpException">The stream does not hold a valid, complete dump.</exception>
    public static DumpFile Open(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must support reading and seeking.", nameof(stream));
        }

        return new DumpFile(stream, leaveOpen);
    }

    /// <summary>Gets a value indicating whether <paramref name="start"/> begins with the .bcdump magic.</summary>
    /// <param name="start">The first bytes of a file.</param>
    /// <returns><see langword="true"/> for a .bcdump file.</returns>
    public static bool HasMagic(ReadOnlySpan<byte> start) => start.StartsWith(DumpFileFormat.Magic);

    /// <summary>Gets the section of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The section.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined section kind.</exception>
    public DumpSection GetSection(DumpSectionKind kind) =>
        kind is >= DumpSectionKind.Body and <= DumpSectionKind.Report
            ? _sections[(int)kind - 1] // version 1 stores the four kinds in order, checked when the table was read
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{(int)kind} is not a defined DumpSectionKind (1..4).");

    /// <summary>Opens a reader over the secondary-data region (the DumpBlob layout), with blob owners from the report.</summary>
    /// <returns>A reader that shares this file's stream; dispose it or not, the file stays open.</returns>
    /// <exception cref="InvalidDumpException">The region is not a valid DumpBlob region.</exception>
    public DumpBlobReader OpenSecondaryData()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var section = GetSection(DumpSectionKind.SecondaryData);
        return new DumpBlobReader(_stream, leaveOpen: true, section.Offset, section.Length, ComponentOfBlob);
    }

    /// <summary>Lists the secondary-data blocks like <c>.enumtag</c>: tag, size, offset, owner component and friendly name.</summary>
    /// <returns>The blocks, read lazily (headers only).</returns>
    public IEnumerable<DumpTag> EnumerateTags() => OpenSecondaryData().EnumerateTags();

    /// <summary>Reads the first block tagged <paramref name="tag"/> into <paramref name="buffer"/> (<c>ReadTagged</c>).</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <param name="buffer">Receives min(buffer length, block size) bytes.</param>
    /// <param name="totalSize">The block's full size.</param>
    /// <returns>The number of bytes copied.</returns>
    /// <exception cref="KeyNotFoundException">No block has the tag.</exception>
    public int ReadTagged(Guid tag, Span<byte> buffer, out uint totalSize) => OpenSecondaryData().ReadTagged(tag, buffer, out totalSize);

    /// <summary>Reads the first block tagged <paramref name="tag"/> from <paramref name="offset"/> (<c>ReadTagged</c> with an offset).</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <param name="offset">Where to start within the block.</param>
    /// <param name="buffer">Receives min(buffer length, block size − offset) bytes.</param>
    /// <param name="bytesRead">The number of bytes copied.</param>
    /// <param name="totalSize">The block's full size.</param>
    /// <returns><see langword="true"/> when a block has the tag.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is past the end of the block.</exception>
    public bool TryReadTagged(Guid tag, uint offset, Span<byte> buffer, out int bytesRead, out uint totalSize) =>
        OpenSecondaryData().TryReadTagged(tag, offset, buffer, out bytesRead, out totalSize);

    /// <summary>Opens the first block tagged <paramref name="tag"/> as a read-only stream.</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <returns>A stream over the block's data.</returns>
    /// <exception cref="KeyNotFoundException">No block has the tag.</exception>
    public Stream OpenTag(Guid tag) => OpenSecondaryData().OpenTag(tag);

    /// <summary>Lists the page runs of the body, reading only their entry headers.</summary>
    /// <returns>The runs, read lazily.</returns>
    public IEnumerable<DumpBodyRange> EnumerateBodyRanges()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var section = GetSection(DumpSectionKind.Body);
        return Enumerate();

        IEnumerable<DumpBodyRange> Enumerate()
        {
            var region = new StreamRegion(_stream, section.Offset, section.Length);
            var entry = new byte[DumpFileFormat.BodyEntrySize];
            for (var position = region.Start; position < region.End;)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                region.ReadAt(position, entry, "a body entry");
                var space = BinaryPrimitives.ReadInt32LittleEndian(entry);
                var address = BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(8));
                var pages = BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(16));
                var dataOffset = position + DumpFileFormat.BodyEntrySize;
                if (space is not ((int)AddressSpace.Virtual or (int)AddressSpace.Physical))
                {
                    throw new InvalidDumpException(position, $"The body entry's address space {space} is not 0 (virtual) or 1 (physical).");
                }

                if (pages == 0 || pages > (ulong)(region.End - dataOffset) / Header.PageSize)
                {
                    throw new InvalidDumpException(position, $"The body entry claims {pages} pages; the section has room for {(region.End - dataOffset) / Header.PageSize}.");
                }

                var length = (long)(pages * Header.PageSize);
                yield return new DumpBodyRange(new PageRange((AddressSpace)space, address, pages), dataOffset, length);
                position = dataOffset + length;
            }
        }
    }

    /// <summary>Lists the triage blocks, reading only their entry headers and owner names.</summary>
    /// <returns>The blocks (large blocks come in pieces of at most 1 MiB), read lazily.</returns>
    public IEnumerable<DumpTriageBlock> EnumerateTriageBlocks()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var section = GetSection(DumpSectionKind.Triage);
        return Enumerate();

        IEnumerable<DumpTriageBlock> Enumerate()
        {
            var region = new StreamRegion(_stream, section.Offset, section.Length);
            var entry = new byte[DumpFileFormat.TriageEntrySize];
            for (var position = region.Start; position < region.End;)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                region.ReadAt(position, entry, "a triage entry");
                var address = BinaryPrimitives.ReadUInt64LittleEndian(entry);
                var size = BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(8));
                var nameLength = BinaryPrimitives.ReadInt32LittleEndian(entry.AsSpan(16));
                var namePosition = position + DumpFileFormat.TriageEntrySize;
                if (nameLength is < 0 or > DumpFileFormat.MaxComponentBytes || nameLength > region.End - namePosition)
                {
                    throw new InvalidDumpException(position, $"The triage entry's component name length {nameLength} is out of range.");
                }

                var name = new byte[nameLength];
                region.ReadAt(namePosition, name, "a triage component name");
                var dataOffset = namePosition + DumpFileFormat.Align8(nameLength);
                if (size == 0 || size > (ulong)Math.Max(0, region.End - dataOffset))
                {
                    throw new InvalidDumpException(position, $"The triage entry claims 0x{size:X} bytes; the section has 0x{Math.Max(0, region.End - dataOffset):X} left.");
                }

                string component;
                try
                {
                    component = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(name);
                }
                catch (DecoderFallbackException exception)
                {
                    throw new InvalidDumpException(namePosition, "The triage component name is not valid UTF-8.", exception);
                }

                yield return new DumpTriageBlock(new TriageBlockInfo(component, address, size), dataOffset);
                position = dataOffset + DumpFileFormat.Align8((long)size);
            }
        }
    }

    /// <summary>Opens the bytes of a body run as a read-only stream.</summary>
    /// <param name="range">A run from <see cref="EnumerateBodyRanges"/>.</param>
    /// <returns>The stream.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="range"/> is null.</exception>
    public Stream OpenBodyRange(DumpBodyRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new RegionStream(_stream, range.DataOffset, range.DataLength);
    }

    /// <summary>Opens the bytes of a triage block as a read-only stream.</summary>
    /// <param name="block">A block from <see cref="EnumerateTriageBlocks"/>.</param>
    /// <returns>The stream.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="block"/> is null.</exception>
    public Stream OpenTriageBlock(DumpTriageBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new RegionStream(_stream, block.DataOffset, (long)block.Block.Size);
    }

    /// <summary>Reads the recorded outcome report, checking the report section's checksum.</summary>
    /// <returns>The outcome of the simulated bug check.</returns>
    /// <exception cref="InvalidDumpException">The report is corrupt.</exception>
    public BugCheckOutcome ReadOutcome()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_outcome is not null)
        {
            return _outcome;
        }

        var section = GetSection(DumpSectionKind.Report);
        var bytes = new byte[section.Length]; // bounded by the file's length, checked when the table was read
        _file.ReadAt(section.Offset, bytes, "the report");
        if (XxHash64.HashToUInt64(bytes) != section.Checksum)
        {
            throw new InvalidDumpException(section.Offset, "The report section's checksum does not match its data.");
        }

        try
        {
            return _outcome = BugCheckOutcome.FromJson(Encoding.UTF8.GetString(bytes));
        }
        catch (JsonException exception)
        {
            throw new InvalidDumpException(section.Offset, $"The report is not a valid outcome: {exception.Message}", exception);
        }
    }

    /// <summary>Reads every section whole and checks its checksum.</summary>
    /// <param name="progress">Receives the number of bytes checked so far, after every piece of at most 1 MiB.</param>
    /// <exception cref="InvalidDumpException">A section's data does not match its checksum.</exception>
    public void VerifyChecksums(IProgress<long>? progress = null)
    {
        var checkedBytes = 0L;
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = new byte[Math.Min(1 << 20, Math.Max(1, _sections.Max(s => s.Length)))];
        var hash = new XxHash64();
        foreach (var section in _sections)
        {
            hash.Reset();
            for (var done = 0L; done < section.Length;)
            {
                var piece = buffer.AsSpan(0, (int)Math.Min(buffer.Length, section.Length - done));
                _file.ReadAt(section.Offset + done, piece, $"the {section.Kind} section");
                hash.Append(piece);
                done += piece.Length;
                checkedBytes += piece.Length;
                progress?.Report(checkedBytes);
            }

            if (hash.GetCurrentHashAsUInt64() != section.Checksum)
            {
                throw new InvalidDumpException(section.Offset, $"The {section.Kind} section's checksum does not match its data.");
            }
        }
    }

    /// <summary>Releases the stream unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private string? ComponentOfBlob(int index)
    {
        try
        {
            var blobs = ReadOutcome().Blobs;
            return index < blobs.Count ? blobs[index].Component : null;
        }
        catch (InvalidDumpException)
        {
            return null; // the tags stay readable when only the report is damaged
        }
    }

    private DumpFileHeader ReadHeader(out long tableOffset, out int sectionCount)
    {
        if (_file.Length < DumpFileFormat.HeaderSize)
        {
            throw new InvalidDumpException(0, $"The file is {_file.Length} bytes, shorter than the 0x{DumpFileFormat.HeaderSize:X}-byte header.");
        }

        Span<byte> header = stackalloc byte[DumpFileFormat.HeaderSize];
        _file.ReadAt(0, header, "the header");
        if (!HasMagic(header))
        {
            throw new InvalidDumpException(0, "The file does not start with the magic \"BCCBDUMP\" (an incomplete dump has a zero header).");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[0x08..]);
        if (version != DumpFileFormat.Version)
        {
            throw new InvalidDumpException(0x08, $"Format version {version} is not supported (expected {DumpFileFormat.Version}).");
        }

        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header[0x0C..]);
        if (headerSize != DumpFileFormat.HeaderSize)
        {
            throw new InvalidDumpException(0x0C, $"HeaderSize is 0x{headerSize:X}, expected 0x{DumpFileFormat.HeaderSize:X}.");
        }

        if (XxHash64.HashToUInt64(header[..DumpFileFormat.HeaderChecksumOffset]) != BinaryPrimitives.ReadUInt64LittleEndian(header[DumpFileFormat.HeaderChecksumOffset..]))
        {
            throw new InvalidDumpException(DumpFileFormat.HeaderChecksumOffset, "The header checksum does not match the header.");
        }

        var fileLength = BinaryPrimitives.ReadInt64LittleEndian(header[0x50..]);
        if (fileLength != _file.Length)
        {
            throw new InvalidDumpException(0x50, $"The header records a {fileLength}-byte file; the file is {_file.Length} bytes (truncated or extended).");
        }

        var pageSize = BinaryPrimitives.ReadUInt32LittleEndian(header[0x3C..]);
        if (pageSize < 512 || !uint.IsPow2(pageSize))
        {
            throw new InvalidDumpException(0x3C, $"PageSize {pageSize} is not a power of two of at least 512.");
        }

        var dumpType = BinaryPrimitives.ReadInt32LittleEndian(header[0x38..]);
        if (!Enum.IsDefined((DumpType)dumpType))
        {
            throw new InvalidDumpException(0x38, $"DumpType {dumpType} is not defined.");
        }

        sectionCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x40..]);
        tableOffset = BinaryPrimitives.ReadInt64LittleEndian(header[0x48..]);
        if (sectionCount != DumpFileFormat.SectionCount)
        {
            throw new InvalidDumpException(0x40, $"SectionCount is {sectionCount}; version 1 has {DumpFileFormat.SectionCount}.");
        }

        if (tableOffset < DumpFileFormat.HeaderSize || tableOffset > _file.Length - ((sectionCount * DumpFileFormat.SectionTableEntrySize) + 8))
        {
            throw new InvalidDumpException(0x48, $"The section table offset 0x{tableOffset:X} is outside the file.");
        }

        return new DumpFileHeader(
            version,
            BinaryPrimitives.ReadUInt32LittleEndian(header[0x10..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[0x14..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[0x30..]),
            (DumpType)dumpType,
            pageSize,
            fileLength);
    }

    private DumpSection[] ReadSectionTable(long tableOffset, int sectionCount)
    {
        var table = new byte[(sectionCount * DumpFileFormat.SectionTableEntrySize) + 8];
        _file.ReadAt(tableOffset, table, "the section table");
        var entries = table.AsSpan(0, table.Length - 8);
        if (XxHash64.HashToUInt64(entries) != BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(entries.Length)))
        {
            throw new InvalidDumpException(tableOffset + entries.Length, "The section table checksum does not match the table.");
        }

        var sections = new DumpSection[sectionCount];
        var previousEnd = (long)DumpFileFormat.HeaderSize;
        Span<byte> prefix = stackalloc byte[DumpFileFormat.SectionPrefixSize];
        for (var i = 0; i < sectionCount; i++)
        {
            var entry = entries.Slice(i * DumpFileFormat.SectionTableEntrySize, DumpFileFormat.SectionTableEntrySize);
            var at = tableOffset + (i * DumpFileFormat.SectionTableEntrySize);
            var kind = (DumpSectionKind)BinaryPrimitives.ReadInt32LittleEndian(entry);
            var offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
            var length = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            var checksum = BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]);
            if (kind != (DumpSectionKind)(i + 1))
            {
                throw new InvalidDumpException(at, $"Section {i} is of kind {(int)kind}; version 1 stores kinds 1..4 in order.");
            }

            if (offset - DumpFileFormat.SectionPrefixSize < previousEnd || length < 0 || length > tableOffset - offset)
            {
                throw new InvalidDumpException(at, $"The {kind} section (0x{offset:X}, 0x{length:X} bytes) overlaps another or runs past the section table.");
            }

            _file.ReadAt(offset - DumpFileFormat.SectionPrefixSize, prefix, $"the {kind} section prefix");
            if (BinaryPrimitives.ReadInt32LittleEndian(prefix) != (int)kind ||
                BinaryPrimitives.ReadInt32LittleEndian(prefix[4..]) != 0 ||
                BinaryPrimitives.ReadInt64LittleEndian(prefix[8..]) != length ||
                BinaryPrimitives.ReadUInt64LittleEndian(prefix[16..]) != checksum)
            {
                throw new InvalidDumpException(offset - DumpFileFormat.SectionPrefixSize, $"The {kind} section prefix does not match the section table.");
            }

            sections[i] = new DumpSection(kind, offset, length, checksum);
            previousEnd = offset + length;
        }

        return sections;
    }
}
