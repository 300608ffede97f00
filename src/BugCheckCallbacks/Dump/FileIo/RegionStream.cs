namespace BugCheckCallbacks.Dump;

/// <summary>A read-only, seekable view of <c>[offset, offset + length)</c> of another stream.</summary>
internal sealed class RegionStream(StreamRegion file, long offset, long length) : ReadOnlyViewStream(length)
{
    protected override void ReadAt(long position, Span<byte> destination) => file.ReadAt(offset + position, destination, "a data block");
}
