namespace BugCheckCallbacks.Dump;

/// <summary>A read-only, seekable view of bytes held in equal segments, so a completed in-memory dump opens without a copy.</summary>
internal sealed class SegmentStream(IReadOnlyList<byte[]> segments, int segmentShift, long length) : ReadOnlyViewStream(length)
{
    protected override void ReadAt(long position, Span<byte> destination)
    {
        var mask = (1L << segmentShift) - 1;
        while (!destination.IsEmpty)
        {
            var within = (int)(position & mask);
            var take = (int)Math.Min(destination.Length, mask + 1 - within);
            segments[(int)(position >> segmentShift)].AsSpan(within, take).CopyTo(destination);
            destination = destination[take..];
            position += take;
        }
    }
}
