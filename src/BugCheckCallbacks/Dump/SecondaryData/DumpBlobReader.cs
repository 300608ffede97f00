using System.Diagnostics;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Reads a DumpBlob secondary-data region: lists its tags like the debugger's <c>.enumtag</c> and reads a tag like
/// <c>IDebugDataSpaces3::ReadTagged</c> (the first block with the tag wins). Works on a bare region cut from any file.
/// </summary>
/// <remarks>Listing tags reads only the blob headers. Not thread-safe: the reader moves the stream's position.</remarks>
[DebuggerDisplay("DumpBlob region, build {BuildNumber}")]
public sealed class DumpBlobReader : ITaggedDataReader, IDisposable
{
    private readonly StreamRegion _region;
    private readonly bool _leaveOpen;
    private bool _disposed;
    private Dictionary<Guid, DumpTag>? _firstByTag;

    internal DumpBlobReader(Stream stream, bool leaveOpen, long start, long length)
    {
        _region = new StreamRegion(stream, start, length);
        _leaveOpen = leaveOpen;
        Span<byte> header = stackalloc byte[DumpBlob.FileHeaderSize];
        if (length < DumpBlob.FileHeaderSize)
        {
            throw new InvalidDumpException(start, $"The region is {length} bytes, shorter than the 16-byte DumpBlob header.");
        }

        _region.ReadAt(start, header, "the DumpBlob header");
        if (!DumpBlob.TryReadFileHeader(header, out var buildNumber))
        {
            throw new InvalidDumpException(start, "The region does not start with a DumpBlob header (\"DumpBlob\", HeaderSize 0x10).");
        }

        BuildField = buildNumber;
    }

    /// <summary>Gets the Windows build recorded in the region's header: the low 16 bits of its build field (19041 where Windows 10 wrote 0xF0004A61).</summary>
    public uint BuildNumber => BuildField & 0xFFFF;

    /// <summary>Gets the region header's whole u32 build field: the build in the low 16 bits, flags above (Windows sets 0xF000 there; KERNEL-DUMP.md §8).</summary>
    public uint BuildField { get; }

    /// <summary>Opens a file that is a bare DumpBlob region (it starts with <c>"DumpBlob"</c>).</summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader that owns the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDumpException">The file is not a DumpBlob region; or the path is a directory, a link loop, or something with no content (a FIFO, a device, an empty file), refused before it is opened.</exception>
    public static DumpBlobReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadOnlyFile.Open(path, stream => Open(stream, leaveOpen: false));
    }

    /// <summary>Opens the DumpBlob region that fills <paramref name="stream"/> from its start.</summary>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot read or seek.</exception>
    /// <exception cref="InvalidDumpException">The stream is not a DumpBlob region.</exception>
    public static DumpBlobReader Open(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must support reading and seeking.", nameof(stream));
        }

        return new DumpBlobReader(stream, leaveOpen, 0, stream.Length);
    }

    /// <inheritdoc/>
    public IEnumerable<DumpTag> EnumerateTags()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Enumerate();

        IEnumerable<DumpTag> Enumerate()
        {
            var position = _region.Start + DumpBlob.FileHeaderSize;
            var header = new byte[DumpBlob.BlobHeaderSize];
            while (position <= _region.End - DumpBlob.BlobHeaderSize)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _region.ReadAt(position, header, "a blob header");
                if (!DumpBlob.TryReadBlobHeader(header, out var blob) || blob.TotalSize > (ulong)(_region.End - position))
                {
                    yield break; // the debugger stops at the first invalid header; so do we
                }

                var dataOffset = position + DumpBlob.BlobHeaderSize + blob.PrePad;
                yield return new DumpTag(blob.Tag, blob.DataSize, dataOffset, Component: null, KnownTags.GetFriendlyName(blob.Tag));
                position += (long)blob.TotalSize;
            }
        }
    }

    /// <inheritdoc/>
    public bool TryReadTagged(Guid tag, uint offset, Span<byte> buffer, out int bytesRead, out uint totalSize)
    {
        bytesRead = 0;
        totalSize = 0;
        if (Find(tag) is not { } block)
        {
            return false;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, block.Size);
        totalSize = block.Size;
        bytesRead = (int)Math.Min((uint)buffer.Length, block.Size - offset);
        _region.ReadAt(block.Offset + offset, buffer[..bytesRead], "the tagged data");
        return true;
    }

    /// <inheritdoc/>
    public int ReadTagged(Guid tag, Span<byte> buffer, out uint totalSize) =>
        TryReadTagged(tag, 0, buffer, out var read, out totalSize) ? read : throw TaggedDataReaderExtensions.TagNotFound(tag);

    /// <inheritdoc/>
    public Stream OpenTag(Guid tag) =>
        Find(tag) is { } block
            ? new RegionStream(_region, block.Offset, block.Size)
            : throw TaggedDataReaderExtensions.TagNotFound(tag);

    /// <summary>Opens a block <see cref="EnumerateTags"/> listed as a read-only stream: any block, not only the first with its tag (the parts of multi-part data share one).</summary>
    /// <param name="block">A block this reader listed.</param>
    /// <returns>A stream over the block's data; it reads from this reader's stream.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="block"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="block"/> does not lie in this region.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public Stream OpenBlock(DumpTag block)
    {
        ArgumentNullException.ThrowIfNull(block);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (block.Offset < _region.Start || block.Offset > _region.End - block.Size)
        {
            throw new ArgumentException($"The block at 0x{block.Offset:X} (0x{block.Size:X} bytes) is not in this region (0x{_region.Start:X}..0x{_region.End:X}).", nameof(block));
        }

        return new RegionStream(_region, block.Offset, block.Size);
    }

    /// <summary>Releases the stream unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_leaveOpen)
            {
                _region.Stream.Dispose();
            }
        }
    }

    /// <summary>Finds the first block with the tag; the first lookup indexes the region once, so reading n tags is O(n), not O(n²).</summary>
    private DumpTag? Find(Guid tag)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_firstByTag is null)
        {
            var index = new Dictionary<Guid, DumpTag>();
            foreach (var block in EnumerateTags())
            {
                index.TryAdd(block.Tag, block);
            }

            _firstByTag = index;
        }

        return _firstByTag.GetValueOrDefault(tag);
    }
}
