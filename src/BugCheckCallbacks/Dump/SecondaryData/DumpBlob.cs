using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Encodes and decodes the Windows DumpBlob layout of the secondary-data region: a 16-byte file header
/// (<c>"DumpBlob"</c>, HeaderSize 0x10, BuildNumber), then per blob a 0x20-byte header (HeaderSize 0x20, GUID Tag,
/// DataSize, PrePad, PostPad) and the data, 8-byte aligned; there is no count, and reading stops at the first invalid header.
/// </summary>
public static class DumpBlob
{
    /// <summary>The size of the region's file header.</summary>
    public const int FileHeaderSize = 0x10;

    /// <summary>The size of each blob header.</summary>
    public const int BlobHeaderSize = 0x20;

    /// <summary>The alignment of blob data.</summary>
    public const int Alignment = 8;

    /// <summary>Gets the 8-byte signature that opens a region, ASCII <c>"DumpBlob"</c>.</summary>
    public static ReadOnlySpan<byte> Signature => "DumpBlob"u8;

    /// <summary>Writes the region's 16-byte file header.</summary>
    /// <param name="destination">At least <see cref="FileHeaderSize"/> bytes.</param>
    /// <param name="buildNumber">The Windows build number to record.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static void WriteFileHeader(Span<byte> destination, uint buildNumber)
    {
        ThrowIfTooShort(destination.Length, FileHeaderSize, nameof(destination));
        Signature.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], FileHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], buildNumber);
    }

    /// <summary>Writes one blob header for <paramref name="dataSize"/> bytes of data, with no pre-pad.</summary>
    /// <param name="destination">At least <see cref="BlobHeaderSize"/> bytes.</param>
    /// <param name="tag">The blob's GUID tag.</param>
    /// <param name="dataSize">The size of the data that follows.</param>
    /// <returns>The post-pad: the zero bytes to write after the data to reach the 8-byte alignment.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int WriteBlobHeader(Span<byte> destination, Guid tag, uint dataSize)
    {
        ThrowIfTooShort(destination.Length, BlobHeaderSize, nameof(destination));
        var postPad = (int)(((dataSize + (Alignment - 1)) & ~(uint)(Alignment - 1)) - dataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, BlobHeaderSize);
        tag.TryWriteBytes(destination[4..20]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], dataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], (uint)postPad);
        return postPad;
    }

    /// <summary>Reads a region's file header.</summary>
    /// <param name="source">The first bytes of the region.</param>
    /// <param name="buildNumber">The recorded build number.</param>
    /// <returns><see langword="true"/> when <paramref name="source"/> starts with a valid DumpBlob file header.</returns>
    public static bool TryReadFileHeader(ReadOnlySpan<byte> source, out uint buildNumber)
    {
        buildNumber = 0;
        if (source.Length < FileHeaderSize || !source.StartsWith(Signature) ||
            BinaryPrimitives.ReadUInt32LittleEndian(source[8..]) != FileHeaderSize)
        {
            return false;
        }

        buildNumber = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
        return true;
    }

    /// <summary>Reads one blob header.</summary>
    /// <param name="source">The bytes at the header.</param>
    /// <param name="header">The header read.</param>
    /// <returns><see langword="true"/> when the bytes hold a valid header (HeaderSize 0x20).</returns>
    public static bool TryReadBlobHeader(ReadOnlySpan<byte> source, out DumpBlobHeader header)
    {
        header = default;
        if (source.Length < BlobHeaderSize)
        {
            return false;
        }

        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (headerSize != BlobHeaderSize)
        {
            return false;
        }

        header = new DumpBlobHeader(
            headerSize,
            new Guid(source[4..20]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[20..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[28..]));
        return true;
    }

    private static void ThrowIfTooShort(int length, int needed, string parameterName)
    {
        if (length < needed)
        {
            throw new ArgumentException($"The buffer holds {length} bytes; {needed} are needed.", parameterName);
        }
    }
}
