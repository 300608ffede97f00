namespace BugCheckCallbacks.Dump;

/// <summary>Represents one DumpBlob blob header.</summary>
/// <param name="HeaderSize">The header size; 0x20 in a valid header.</param>
/// <param name="Tag">The blob's GUID tag.</param>
/// <param name="DataSize">The size of the data in bytes.</param>
/// <param name="PrePad">Bytes between the header and the data.</param>
/// <param name="PostPad">Bytes after the data, up to the next blob.</param>
public readonly record struct DumpBlobHeader(uint HeaderSize, Guid Tag, uint DataSize, uint PrePad, uint PostPad)
{
    /// <summary>Gets the distance from the start of this header to the start of the next one.</summary>
    public ulong TotalSize => (ulong)HeaderSize + PrePad + DataSize + PostPad;
}
