using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Reads a bounded region of a seekable stream, turning every short read into <see cref="InvalidDumpException"/> with
/// the offset, so corrupt files never surface as another exception type.
/// </summary>
/// <remarks>A <see cref="FileStream"/> is read with positional reads (<see cref="RandomAccess"/>): no seek, no buffer.</remarks>
internal sealed class StreamRegion(Stream stream, long start, long length, MappedFile? mapped = null)
{
    public Stream Stream { get; } = stream;

    public long Start { get; } = start;

    public long Length { get; } = length;

    public long End => Start + Length;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReadAt(long offset, Span<byte> destination, string what)
    {
        if (offset < Start || offset > End - destination.Length)
        {
            throw new InvalidDumpException(offset, $"{what} ({destination.Length} bytes) runs past the end of its region at 0x{End:X}.");
        }

        if (mapped is not null)
        {
            mapped.Bytes(offset, destination.Length).CopyTo(destination); // the whole file is mapped; the bounds are checked above
            return;
        }

        try
        {
            if (Stream is FileStream file)
            {
                for (var done = 0; done < destination.Length;)
                {
                    var read = RandomAccess.Read(file.SafeFileHandle, destination[done..], offset + done);
                    if (read == 0)
                    {
                        throw new EndOfStreamException();
                    }

                    done += read;
                }
            }
            else
            {
                Stream.Position = offset;
                Stream.ReadExactly(destination);
            }
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDumpException(offset, $"The file ends inside {what}.", exception);
        }
    }
}
