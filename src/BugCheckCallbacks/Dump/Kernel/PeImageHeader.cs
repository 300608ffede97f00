using System.Buffers.Binary;
using System.Text;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Writes the first page of a minimal, valid x64 PE image (winnt.h, the PE/COFF specification): the DOS header with
/// <c>MZ</c>, <c>PE\0\0</c>, the file header (AMD64), the PE32+ optional header with <c>SizeOfImage</c>, a data and a code
/// section, and, when asked, a debug directory with a CodeView <c>RSDS</c> record naming the image's PDB.
/// </summary>
internal static class PeImageHeader
{
    public const int NtHeadersOffset = 0x80;
    public const int SizeOfImageOffset = NtHeadersOffset + 0x18 + 0x38;
    public const int DebugDirectoryOffset = 0x200;
    public const int CodeViewOffset = 0x220;
    public const ushort MachineAmd64 = 0x8664;
    private const int FileHeader = NtHeadersOffset + 4;
    private const int OptionalHeader = FileHeader + 20;
    private const int OptionalHeaderSize = 0xF0;
    private const int Sections = OptionalHeader + OptionalHeaderSize;
    private const int DataDirectories = OptionalHeader + 0x70;
    private const int DebugDirectoryIndex = 6;
    private const uint CodeViewType = 2; // IMAGE_DEBUG_TYPE_CODEVIEW

    /// <summary>Writes the header page of an image whose sections are .data at 0x1000 and .text after it.</summary>
    /// <param name="page">The image's first page (0x1000 bytes), zeroed by the caller.</param>
    /// <param name="imageBase">The image base.</param>
    /// <param name="sizeOfImage">The image size.</param>
    /// <param name="textOffset">The offset of the code section (its end is the image's end).</param>
    /// <param name="codeView">The PDB the image names, or null.</param>
    public static void Write(Span<byte> page, ulong imageBase, uint sizeOfImage, uint textOffset, (Guid Guid, uint Age, string Pdb)? codeView)
    {
        const uint DataOffset = 0x1000;
        "MZ"u8.CopyTo(page);
        BinaryPrimitives.WriteUInt32LittleEndian(page[0x3C..], NtHeadersOffset); // e_lfanew
        "PE\0\0"u8.CopyTo(page[NtHeadersOffset..]);
        BinaryPrimitives.WriteUInt16LittleEndian(page[FileHeader..], MachineAmd64);
        BinaryPrimitives.WriteUInt16LittleEndian(page[(FileHeader + 2)..], 2); // NumberOfSections
        BinaryPrimitives.WriteUInt16LittleEndian(page[(FileHeader + 16)..], OptionalHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(page[(FileHeader + 18)..], 0x22); // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE

        var optional = page[OptionalHeader..];
        BinaryPrimitives.WriteUInt16LittleEndian(optional, 0x20B); // PE32+
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x04..], sizeOfImage - textOffset); // SizeOfCode
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x08..], textOffset - DataOffset); // SizeOfInitializedData
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x10..], textOffset); // AddressOfEntryPoint
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x14..], textOffset); // BaseOfCode
        BinaryPrimitives.WriteUInt64LittleEndian(optional[0x18..], imageBase);
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x20..], 0x1000); // SectionAlignment
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x24..], 0x200); // FileAlignment
        BinaryPrimitives.WriteUInt16LittleEndian(optional[0x28..], 10); // MajorOperatingSystemVersion
        BinaryPrimitives.WriteUInt16LittleEndian(optional[0x30..], 10); // MajorSubsystemVersion
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x38..], sizeOfImage);
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x3C..], 0x400); // SizeOfHeaders
        BinaryPrimitives.WriteUInt16LittleEndian(optional[0x44..], 1); // IMAGE_SUBSYSTEM_NATIVE
        BinaryPrimitives.WriteUInt32LittleEndian(optional[0x6C..], 16); // NumberOfRvaAndSizes

        WriteSection(page[Sections..], ".data"u8, DataOffset, textOffset - DataOffset, 0xC0000040); // initialized, read, write
        WriteSection(page[(Sections + 40)..], ".text"u8, textOffset, sizeOfImage - textOffset, 0x60000020); // code, execute, read

        if (codeView is { } cv)
        {
            var pdb = Encoding.ASCII.GetBytes(cv.Pdb);
            var recordSize = (uint)(4 + 16 + 4 + pdb.Length + 1);
            var directory = page[(DataDirectories + (DebugDirectoryIndex * 8))..];
            BinaryPrimitives.WriteUInt32LittleEndian(directory, DebugDirectoryOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(directory[4..], 0x1C); // one IMAGE_DEBUG_DIRECTORY
            var debug = page[DebugDirectoryOffset..];
            BinaryPrimitives.WriteUInt32LittleEndian(debug[0x0C..], CodeViewType);
            BinaryPrimitives.WriteUInt32LittleEndian(debug[0x10..], recordSize);
            BinaryPrimitives.WriteUInt32LittleEndian(debug[0x14..], CodeViewOffset); // AddressOfRawData
            BinaryPrimitives.WriteUInt32LittleEndian(debug[0x18..], CodeViewOffset); // PointerToRawData
            var record = page[CodeViewOffset..];
            "RSDS"u8.CopyTo(record);
            cv.Guid.TryWriteBytes(record[4..]);
            BinaryPrimitives.WriteUInt32LittleEndian(record[20..], cv.Age);
            pdb.CopyTo(record[24..]);
        }
    }

    /// <summary>Reads <c>SizeOfImage</c> from an image's first bytes, or null when they are not an x64 PE header.</summary>
    public static uint? ReadSizeOfImage(ReadOnlySpan<byte> header)
    {
        if (header.Length < SizeOfImageOffset + 4 || !header.StartsWith("MZ"u8))
        {
            return null;
        }

        var ntHeaders = BinaryPrimitives.ReadUInt32LittleEndian(header[0x3C..]);
        if (ntHeaders > (uint)(header.Length - 0x18 - 0x3C) || !header[(int)ntHeaders..].StartsWith("PE\0\0"u8) ||
            BinaryPrimitives.ReadUInt16LittleEndian(header[((int)ntHeaders + 4)..]) != MachineAmd64)
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(header[((int)ntHeaders + 0x18 + 0x38)..]);
    }

    private static void WriteSection(Span<byte> header, ReadOnlySpan<byte> name, uint address, uint size, uint characteristics)
    {
        name.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], size); // VirtualSize
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], address);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], size); // SizeOfRawData
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], address); // PointerToRawData (the image as laid out in memory)
        BinaryPrimitives.WriteUInt32LittleEndian(header[36..], characteristics);
    }
}
