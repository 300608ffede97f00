namespace BugCheckCallbacks.Dump;

/// <summary>Keeps the dump a simulated bug check writes in memory: convenient in tests, not for large dumps.</summary>
/// <remarks>
/// The bytes live in 1 MiB segments, so the sink allocates about the dump's size and never copies it to grow. Once the
/// dump is complete, its secondary data reads like a dump file's (<see cref="ITaggedDataReader"/>), without a copy.
/// </remarks>
public sealed class InMemoryDumpSink : IDumpSink, ITaggedDataReader
{
    private const int SegmentShift = 20;
    private const int SegmentSize = 1 << SegmentShift;

    private readonly List<byte[]> _segments = [];
    private DumpFile? _reader;

    /// <summary>Gets a value indicating whether the dump is complete.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Gets the length of the dump written so far, in bytes.</summary>
    public long Length { get; private set; }

    /// <summary>Copies the dump's bytes.</summary>
    /// <returns>The file, byte for byte.</returns>
    /// <exception cref="InvalidOperationException">The dump is larger than an array can hold.</exception>
    public byte[] ToArray()
    {
        if (Length > Array.MaxLength)
        {
            throw new InvalidOperationException($"The dump is {Length} bytes; an array holds at most {Array.MaxLength}.");
        }

        var bytes = new byte[Length];
        for (var i = 0; i < _segments.Count; i++)
        {
            var start = (long)i << SegmentShift;
            _segments[i].AsSpan(0, (int)Math.Min(SegmentSize, Length - start)).CopyTo(bytes.AsSpan((int)start));
        }

        return bytes;
    }

    /// <summary>Opens the dump with the reader, over the sink's bytes (no copy: a complete sink takes no more writes).</summary>
    /// <returns>The reader.</returns>
    /// <exception cref="InvalidOperationException">The dump is not complete.</exception>
    /// <exception cref="InvalidDumpException">The bytes are not a readable x64 kernel dump.</exception>
    public DumpFile Open()
    {
        if (!IsCompleted)
        {
            throw new InvalidOperationException("The dump is not complete: bug-check the kernel with this sink first.");
        }

        return DumpFile.Open(new SegmentStream(_segments, SegmentShift, Length));
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The dump is not complete.</exception>
    public IEnumerable<DumpTag> EnumerateTags() => Reader.EnumerateTags();

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The dump is not complete.</exception>
    public int ReadTagged(Guid tag, Span<byte> buffer, out uint totalSize) => Reader.ReadTagged(tag, buffer, out totalSize);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The dump is not complete.</exception>
    public bool TryReadTagged(Guid tag, uint offset, Span<byte> buffer, out int bytesRead, out uint totalSize) =>
        Reader.TryReadTagged(tag, offset, buffer, out bytesRead, out totalSize);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The dump is not complete.</exception>
    public Stream OpenTag(Guid tag) => Reader.OpenTag(tag);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The dump is complete.</exception>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (IsCompleted)
        {
            throw new InvalidOperationException("The dump is complete.");
        }

        var end = offset + data.Length;
        while (_segments.Count < (int)((end + SegmentSize - 1) >> SegmentShift))
        {
            _segments.Add(new byte[SegmentSize]);
        }

        while (!data.IsEmpty)
        {
            var within = (int)(offset & (SegmentSize - 1));
            var take = Math.Min(data.Length, SegmentSize - within);
            data[..take].CopyTo(_segments[(int)(offset >> SegmentShift)].AsSpan(within));
            data = data[take..];
            offset += take;
        }

        Length = Math.Max(Length, end);
    }

    /// <inheritdoc/>
    public void Complete() => IsCompleted = true;

    // One reader for every tag read: it holds no file, only a view of the segments, so it needs no disposal.
    private DumpFile Reader => _reader ?? LazyInitializer.EnsureInitialized(ref _reader, Open);
}
