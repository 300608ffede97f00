namespace BugCheckCallbacks.Dump;

/// <summary>A read-only, seekable view of bytes held in equal segments, so a completed in-memory dump opens without a copy.</summary>
internal sealed class SegmentStream(IReadOnlyList<byte[]> segments, int segmentShift, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        var mask = (1L << segmentShift) - 1;
        while (!buffer.IsEmpty && _position < length)
        {
            var within = (int)(_position & mask);
            var take = (int)Math.Min(Math.Min(buffer.Length, mask + 1 - within), length - _position);
            segments[(int)(_position >> segmentShift)].AsSpan(within, take).CopyTo(buffer);
            buffer = buffer[take..];
            _position += take;
            total += take;
        }

        return total;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Not a SeekOrigin."),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("The stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The stream is read-only.");
}
