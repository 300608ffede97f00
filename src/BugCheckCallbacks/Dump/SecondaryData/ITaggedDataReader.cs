namespace BugCheckCallbacks.Dump;

/// <summary>
/// Reads the secondary-data blocks a bug check left behind, the way the debugger's <c>.enumtag</c> and
/// <c>IDebugDataSpaces3::ReadTagged</c> do: one shape for a dump file (<see cref="DumpFile"/>), a bare DumpBlob region
/// (<see cref="DumpBlobReader"/>) and a dump held in memory (<see cref="InMemoryDumpSink"/>).
/// </summary>
/// <remarks>
/// When several blocks share a tag (the parts of multi-part data do), the tag reads the first of them, as
/// <c>ReadTagged</c> does; <see cref="EnumerateTags"/> lists them all. A missing tag is <see langword="false"/> from
/// <see cref="TryReadTagged"/> and <see cref="KeyNotFoundException"/> from every other member. Bytes the file does not
/// hold (a block cut short by the end of the file) are an <see cref="InvalidDumpException"/> with the offset.
/// </remarks>
public interface ITaggedDataReader
{
    /// <summary>Lists the blocks in region order, like <c>.enumtag</c>: tag, size, offset and friendly name.</summary>
    /// <returns>The blocks, read lazily; none when there is no secondary data.</returns>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    IEnumerable<DumpTag> EnumerateTags();

    /// <summary>Reads the first block tagged <paramref name="tag"/> into <paramref name="buffer"/> (<c>ReadTagged</c>); a short buffer gets a partial copy.</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <param name="buffer">Receives min(buffer length, block size) bytes.</param>
    /// <param name="totalSize">The block's full size.</param>
    /// <returns>The number of bytes copied.</returns>
    /// <exception cref="KeyNotFoundException">No block has the tag.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    int ReadTagged(Guid tag, Span<byte> buffer, out uint totalSize);

    /// <summary>Reads the first block tagged <paramref name="tag"/> from <paramref name="offset"/> into <paramref name="buffer"/> (<c>ReadTagged</c> with an offset).</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <param name="offset">Where to start within the block.</param>
    /// <param name="buffer">Receives min(buffer length, block size − offset) bytes.</param>
    /// <param name="bytesRead">The number of bytes copied.</param>
    /// <param name="totalSize">The block's full size.</param>
    /// <returns><see langword="true"/> when a block has the tag; otherwise <see langword="false"/> and zeroes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is past the end of the block.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    bool TryReadTagged(Guid tag, uint offset, Span<byte> buffer, out int bytesRead, out uint totalSize);

    /// <summary>Opens the first block tagged <paramref name="tag"/> as a read-only stream.</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <returns>A stream over the block's data.</returns>
    /// <exception cref="KeyNotFoundException">No block has the tag.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    Stream OpenTag(Guid tag);
}
