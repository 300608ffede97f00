using System.IO.MemoryMappedFiles;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// A whole file mapped read-only, for <see cref="DumpFile.OpenMapped"/>: the view's pointer is taken once and held until
/// disposal, so a read is a bounds check and a copy, and a bulk read can hand out the mapped bytes themselves.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private readonly byte* _base;
    private bool _disposed;

    public MappedFile(FileStream stream)
    {
        Length = stream.Length;
        _file = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            _accessor = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _accessor.PointerOffset;
        }
        catch
        {
            _accessor?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Gets the file's length when it was mapped: every offset the reader uses was checked against it.</summary>
    public long Length { get; }

    /// <summary>Gets <paramref name="length"/> mapped bytes at <paramref name="offset"/>, which the caller has checked lie in the file.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"0x{length:X} bytes at 0x{offset:X} are not in the 0x{Length:X}-byte mapping.");
        }

        return new ReadOnlySpan<byte>(_base + offset, length);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _accessor.SafeMemoryMappedViewHandle.ReleasePointer();
            _accessor.Dispose();
            _file.Dispose();
        }
    }
}
