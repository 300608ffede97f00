using System.Buffers.Binary;
using System.Diagnostics;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Streams the x64 kernel dump of a simulated bug check into a file or any writable stream: pass it as the sink of
/// <see cref="Simulation.SimulatedKernel.KeBugCheckEx"/>. Memory use does not grow with the dump.
/// </summary>
/// <remarks>
/// The kernel writes a dump as Windows does: in file order, each byte once, the header first and already final. So the
/// stream need not seek (a pipe, a socket or a compressor will do); a seekable stream is positioned at each write's
/// offset. The file is a whole dump once <see cref="IsCompleted"/> is <see langword="true"/>; until then it is a prefix.
/// </remarks>
[DebuggerDisplay("{BytesWritten} bytes, completed: {IsCompleted}")]
public sealed class DumpFileWriter : IDumpSink, IDisposable
{
    private const int WriteBufferSize = 1 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private bool _disposed;

    /// <summary>Initializes a writer over a writable stream; the dump starts at the stream's offset 0 (or, when it cannot seek, where it stands).</summary>
    /// <param name="stream">The destination; it must support writing.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the writer is disposed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot write.</exception>
    public DumpFileWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must support writing.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Gets the length of the dump written so far, in bytes.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Gets a value indicating whether the dump is complete.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>
    /// Gets the length the whole dump will have, as its header (<c>DUMP_HEADER64.RequiredDumpSpace</c>) says once it is
    /// written: <see langword="null"/> before. For a small memory dump it is the space Windows reserves, which may be more
    /// than the file takes. A progress display's total.
    /// </summary>
    public long? ExpectedLength { get; private set; }

    /// <summary>Creates (or overwrites) a dump file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to create.</param>
    /// <returns>A writer that owns the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static DumpFileWriter Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, WriteBufferSize);
        return new DumpFileWriter(stream, leaveOpen: false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The dump is complete, or the stream cannot seek and <paramref name="offset"/> is not where the file ends.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ThrowIfUnusable();
        if (!_stream.CanSeek)
        {
            if (offset != BytesWritten)
            {
                throw new InvalidOperationException($"The stream cannot seek, so it takes the dump in file order: the write at 0x{offset:X} is not at the file's end, 0x{BytesWritten:X}.");
            }
        }
        else if (_stream.Position != offset)
        {
            _stream.Position = offset;
        }

        _stream.Write(data);
        BytesWritten = Math.Max(BytesWritten, offset + data.Length);
        if (offset == 0 && data.Length >= DumpHeader64.RequiredDumpSpace + sizeof(long))
        {
            ExpectedLength = BinaryPrimitives.ReadInt64LittleEndian(data[DumpHeader64.RequiredDumpSpace..]);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The dump is complete.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Complete()
    {
        ThrowIfUnusable();
        _stream.Flush();
        IsCompleted = true;
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

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsCompleted)
        {
            throw new InvalidOperationException("The dump is complete.");
        }
    }
}
