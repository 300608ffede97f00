using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Streams a simulated bug check into a .bcdump file: header, body, triage blocks, the DumpBlob secondary-data region
/// and the outcome report, each section length-prefixed and checksummed (XxHash64). Memory use does not grow with the dump.
/// </summary>
/// <remarks>
/// Pass it as the sink of <see cref="SimulatedKernel.KeBugCheckEx"/>. The file is valid only after
/// <see cref="Complete"/>; until then its header is zero and readers reject it.
/// </remarks>
public sealed class DumpFileWriter : IDumpSink, IDisposable
{
    /// <summary>The build number written into the DumpBlob header when none is given (Windows 11 24H2).</summary>
    public const uint DefaultBuildNumber = 26100;

    private const int WriteBufferSize = 1 << 20;
    private static readonly byte[] s_padding = new byte[8];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly uint _buildNumber;
    private readonly XxHash64 _hash = new();
    private readonly DumpSection?[] _sections = new DumpSection?[DumpFileFormat.SectionCount];
    private readonly byte[] _scratch = new byte[DumpFileFormat.BodyEntrySize + DumpBlob.BlobHeaderSize];
    private DumpHeaderInfo? _header;
    private DumpSectionKind? _open;
    private long _openPrefix;
    private bool _completed;
    private bool _disposed;

    /// <summary>Initializes a writer over a seekable, writable stream, positioned where the file starts.</summary>
    /// <param name="stream">The destination; it must support seeking and writing.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the writer is disposed.</param>
    /// <param name="buildNumber">The build number for the DumpBlob header.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot seek or write.</exception>
    public DumpFileWriter(Stream stream, bool leaveOpen = false, uint buildNumber = DefaultBuildNumber)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanWrite)
        {
            throw new ArgumentException("The stream must support seeking and writing (sections are patched with their length and checksum).", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        _buildNumber = buildNumber;
        _stream.Write(new byte[DumpFileFormat.HeaderSize]);
    }

    /// <summary>Gets the number of bytes written so far.</summary>
    public long BytesWritten => _stream.Position;

    /// <summary>Gets a value indicating whether the dump has been completed.</summary>
    public bool IsCompleted => _completed;

    /// <summary>Creates (or overwrites) a dump file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to create.</param>
    /// <param name="buildNumber">The build number for the DumpBlob header.</param>
    /// <returns>A writer that owns the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static DumpFileWriter Create(string path, uint buildNumber = DefaultBuildNumber)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, WriteBufferSize);
        return new DumpFileWriter(stream, leaveOpen: false, buildNumber);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The header was already written.</exception>
    public void WriteHeader(DumpHeaderInfo header)
    {
        ArgumentNullException.ThrowIfNull(header);
        ThrowIfUnusable();
        if (_header is not null)
        {
            throw new InvalidOperationException("The header was already written.");
        }

        _header = header;
    }

    /// <inheritdoc/>
    public void WriteBodyRange(PageRange range, ReadOnlySpan<byte> data)
    {
        Enter(DumpSectionKind.Body);
        var entry = _scratch.AsSpan(0, DumpFileFormat.BodyEntrySize);
        entry.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(entry, (int)range.Space);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], range.Address);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], range.PageCount);
        Write(entry);
        Write(data);
    }

    /// <inheritdoc/>
    public void WriteTriageBlock(TriageBlockInfo block, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(block);
        Enter(DumpSectionKind.Triage);
        var component = Encoding.UTF8.GetBytes(block.Component);
        if (component.Length > DumpFileFormat.MaxComponentBytes)
        {
            throw new ArgumentException($"The component name is {component.Length} UTF-8 bytes; at most {DumpFileFormat.MaxComponentBytes} are stored.", nameof(block));
        }

        var entry = _scratch.AsSpan(0, DumpFileFormat.TriageEntrySize);
        entry.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(entry, block.Address);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], (ulong)data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(entry[16..], component.Length);
        Write(entry);
        Write(component);
        Pad(component.Length);
        Write(data);
        Pad(data.Length);
    }

    /// <inheritdoc/>
    public void WriteSecondaryBlob(Guid tag, string component, ReadOnlySpan<byte> data)
    {
        Enter(DumpSectionKind.SecondaryData);
        var header = _scratch.AsSpan(0, DumpBlob.BlobHeaderSize);
        var postPad = DumpBlob.WriteBlobHeader(header, tag, (uint)data.Length);
        Write(header);
        Write(data);
        Write(s_padding.AsSpan(0, postPad));
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No header was written, or the dump is already complete.</exception>
    public void Complete(BugCheckOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (_header is null)
        {
            throw new InvalidOperationException("WriteHeader must come before Complete.");
        }

        Enter(DumpSectionKind.Report);
        Write(Encoding.UTF8.GetBytes(outcome.ToJson()));
        CloseSection();

        var tableOffset = _stream.Position;
        var table = new byte[(DumpFileFormat.SectionCount * DumpFileFormat.SectionTableEntrySize) + 8];
        for (var i = 0; i < DumpFileFormat.SectionCount; i++)
        {
            var section = _sections[i]!;
            var entry = table.AsSpan(i * DumpFileFormat.SectionTableEntrySize);
            BinaryPrimitives.WriteInt32LittleEndian(entry, (int)section.Kind);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], section.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], section.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], section.Checksum);
        }

        var entries = table.AsSpan(0, table.Length - 8);
        BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(entries.Length), XxHash64.HashToUInt64(entries));
        _stream.Write(table);
        var fileLength = _stream.Position;

        _stream.Position = 0;
        _stream.Write(BuildHeader(_header, outcome.DisplayedStopCode, tableOffset, fileLength));
        _stream.Position = fileLength;
        _stream.Flush();
        _completed = true;
    }

    /// <summary>Flushes and, unless told to leave it open, closes the stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static byte[] BuildHeader(DumpHeaderInfo header, uint displayedStopCode, long tableOffset, long fileLength)
    {
        var bytes = new byte[DumpFileFormat.HeaderSize];
        var span = bytes.AsSpan();
        DumpFileFormat.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x08..], DumpFileFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x0C..], DumpFileFormat.HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x10..], header.BugCheckCode);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x14..], displayedStopCode);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x18..], header.BugCheckParameter1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x20..], header.BugCheckParameter2);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x28..], header.BugCheckParameter3);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x30..], header.BugCheckParameter4);
        BinaryPrimitives.WriteInt32LittleEndian(span[0x38..], (int)header.DumpType);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x3C..], header.PageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x40..], DumpFileFormat.SectionCount);
        BinaryPrimitives.WriteInt64LittleEndian(span[0x48..], tableOffset);
        BinaryPrimitives.WriteInt64LittleEndian(span[0x50..], fileLength);
        BinaryPrimitives.WriteUInt64LittleEndian(span[DumpFileFormat.HeaderChecksumOffset..], XxHash64.HashToUInt64(span[..DumpFileFormat.HeaderChecksumOffset]));
        return bytes;
    }

    /// <summary>Moves to section <paramref name="kind"/>, closing the open one and writing any skipped ones empty, so sections always come in kind order.</summary>
    private void Enter(DumpSectionKind kind)
    {
        ThrowIfUnusable();
        if (_header is null)
        {
            throw new InvalidOperationException("WriteHeader must come first.");
        }

        if (_open == kind)
        {
            return;
        }

        if (_open is { } open && open > kind)
        {
            throw new InvalidOperationException($"{kind} data cannot follow {open} data: sections are written in order Body, Triage, SecondaryData, Report.");
        }

        var next = _open is { } current ? current + 1 : DumpSectionKind.Body;
        CloseSection();
        for (; next <= kind; next++)
        {
            OpenSection(next);
            if (next != kind)
            {
                CloseSection();
            }
        }
    }

    private void OpenSection(DumpSectionKind kind)
    {
        _openPrefix = _stream.Position;
        var prefix = _scratch.AsSpan(0, DumpFileFormat.SectionPrefixSize);
        prefix.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(prefix, (int)kind);
        _stream.Write(prefix);
        _hash.Reset();
        _open = kind;
        if (kind == DumpSectionKind.SecondaryData)
        {
            var fileHeader = _scratch.AsSpan(0, DumpBlob.FileHeaderSize);
            DumpBlob.WriteFileHeader(fileHeader, _buildNumber);
            Write(fileHeader);
        }
    }

    private void CloseSection()
    {
        if (_open is not { } kind)
        {
            return;
        }

        var end = _stream.Position;
        var dataOffset = _openPrefix + DumpFileFormat.SectionPrefixSize;
        var checksum = _hash.GetCurrentHashAsUInt64();
        var patch = _scratch.AsSpan(0, 16);
        BinaryPrimitives.WriteInt64LittleEndian(patch, end - dataOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(patch[8..], checksum);
        _stream.Position = _openPrefix + 8;
        _stream.Write(patch);
        _stream.Position = end;
        _sections[(int)kind - 1] = new DumpSection(kind, dataOffset, end - dataOffset, checksum);
        _open = null;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        Debug.Assert(_open is not null, "Data goes into an open section.");
        _stream.Write(bytes);
        _hash.Append(bytes);
    }

    private void Pad(int length) => Write(s_padding.AsSpan(0, (int)(DumpFileFormat.Align8(length) - length)));

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The dump is complete.");
        }
    }
}
