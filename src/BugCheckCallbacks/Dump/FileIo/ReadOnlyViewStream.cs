namespace BugCheckCallbacks.Dump;

/// <summary>
/// The shared body of the reader's read-only, seekable views (a block of a region, a sink's segments): position, seek
/// and the refusals; a view supplies only its length and how to read at a position.
/// </summary>
internal abstract class ReadOnlyViewStream(long length) : Stream
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
        var remaining = length - _position;
        if (remaining <= 0)
        {
            return 0;
        }

        var toRead = (int)Math.Min(buffer.Length, remaining);
        ReadAt(_position, buffer[..toRead]);
        _position += toRead;
        return toRead;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Not a defined SeekOrigin."),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("The view is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The view is read-only.");

    /// <summary>Fills <paramref name="destination"/> from <paramref name="position"/>, which with it lies within the view.</summary>
    protected abstract void ReadAt(long position, Span<byte> destination);
}
