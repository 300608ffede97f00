namespace BugCheckCallbacks.Dump;

/// <summary>Keeps the dump a simulated bug check writes in memory: convenient in tests, not for large dumps.</summary>
/// <remarks>The bytes live in 1 MiB segments, so the sink allocates about the dump's size and never copies it to grow.</remarks>
public sealed class InMemoryDumpSink : IDumpSink
{
    private const int SegmentShift = 20;
    private const int SegmentSize = 1 << SegmentShift;

    private readonly List<byte[]> _segments = [];

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

    /// <summary>Opens the dump with the reader, over a copy of its bytes.</summary>
    /// <returns>The reader.</returns>
    /// <exception cref="InvalidOperationException">The dump is not complete.</exception>
    public DumpFile Open()
    {
        if (!IsCompleted)
        {
            throw new InvalidOperationException("The dump is not complete: bug-check the kernel with this sink first.");
        }

        return DumpFile.Open(new MemoryStream(ToArray(), writable: false));
    }

    /// <summary>Gets the data of the first secondary-data blob tagged <paramref name="tag"/>, as <c>ReadTagged</c> would, or <see langword="null"/>.</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <returns>The data, or <see langword="null"/> when no blob has the tag.</returns>
    /// <exception cref="InvalidOperationException">The dump is not complete.</exception>
    public byte[]? ReadTagged(Guid tag)
    {
        using var dump = Open();
        if (dump.EnumerateTags().FirstOrDefault(t => t.Tag == tag) is not { } block)
        {
            return null;
        }

        var data = new byte[block.Size];
        dump.ReadTagged(tag, data, out _);
        return data;
    }

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
}
