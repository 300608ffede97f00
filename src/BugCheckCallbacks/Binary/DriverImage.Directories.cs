using System.Buffers.Binary;
using System.Reflection.PortableExecutable;

namespace BugCheckCallbacks.Binary;

/// <summary>The data directories a driver's inspection needs: imports, exports and base relocations (winnt.h layouts).</summary>
public sealed partial class DriverImage
{
    private const int ImportDescriptorSize = 20; // IMAGE_IMPORT_DESCRIPTOR
    private const int ExportDirectorySize = 40; // IMAGE_EXPORT_DIRECTORY
    private const int MaxImportsPerModule = 1 << 16;
    private const ushort RelocationDir64 = 10; // IMAGE_REL_BASED_DIR64
    private const ushort RelocationAbsolute = 0; // IMAGE_REL_BASED_ABSOLUTE: padding

    /// <summary>The import descriptors up to the all-zero one, and each one's thunks up to the zero one.</summary>
    private List<ImageImport> ReadImports(DirectoryEntry directory)
    {
        var imports = new List<ImageImport>();
        if (directory.RelativeVirtualAddress == 0)
        {
            return imports;
        }

        for (var at = (ulong)(uint)directory.RelativeVirtualAddress; ; at += ImportDescriptorSize)
        {
            var descriptor = Bytes(at, ImportDescriptorSize, "an IMAGE_IMPORT_DESCRIPTOR");
            var (lookup, nameRva, addressTable) = (BinaryPrimitives.ReadUInt32LittleEndian(descriptor), BinaryPrimitives.ReadUInt32LittleEndian(descriptor[12..]), BinaryPrimitives.ReadUInt32LittleEndian(descriptor[16..]));
            if (descriptor.IndexOfAnyExcept((byte)0) < 0)
            {
                return imports;
            }

            var module = ReadAsciiString(nameRva) ?? throw Invalid(at + 12, $"The import descriptor's Name 0x{nameRva:X} is not a NUL-terminated string the file holds.");
            var thunks = lookup != 0 ? lookup : addressTable; // OriginalFirstThunk, or the address table itself before binding
            for (var index = 0u; ; index++)
            {
                if (index == MaxImportsPerModule)
                {
                    throw Invalid(at, $"{module} imports more than {MaxImportsPerModule:N0} routines: its thunk array has no end.");
                }

                var thunk = BinaryPrimitives.ReadUInt64LittleEndian(Bytes(thunks + (8UL * index), 8, $"an import thunk of {module}"));
                if (thunk == 0)
                {
                    break;
                }

                var slot = addressTable + (8UL * index);
                if (slot > uint.MaxValue)
                {
                    throw Invalid(at + 16, $"{module}'s import address table at 0x{addressTable:X} runs past 4 GiB.");
                }

                imports.Add((thunk & (1UL << 63)) != 0
                    ? new ImageImport(module, null, (ushort)thunk, (uint)slot)
                    : new ImageImport(module, ReadAsciiString((thunk & 0x7FFF_FFFF) + 2) ?? throw Invalid(thunks + (8UL * index), $"Import {index} of {module} names 0x{thunk:X}, not a string the file holds."), null, (uint)slot));
            }
        }
    }

    /// <summary>The exports by name: AddressOfNames[i] → AddressOfFunctions[AddressOfNameOrdinals[i]].</summary>
    private List<ImageExport> ReadExports(DirectoryEntry directory)
    {
        var exports = new List<ImageExport>();
        if (directory.RelativeVirtualAddress == 0)
        {
            return exports;
        }

        var at = (ulong)(uint)directory.RelativeVirtualAddress;
        var header = Bytes(at, ExportDirectorySize, "the IMAGE_EXPORT_DIRECTORY");
        var functions = BinaryPrimitives.ReadUInt32LittleEndian(header[0x14..]);
        var names = BinaryPrimitives.ReadUInt32LittleEndian(header[0x18..]);
        var (functionTable, nameTable, ordinalTable) = (BinaryPrimitives.ReadUInt32LittleEndian(header[0x1C..]), BinaryPrimitives.ReadUInt32LittleEndian(header[0x20..]), BinaryPrimitives.ReadUInt32LittleEndian(header[0x24..]));
        // Unsigned, against the file: a count the file cannot hold is refused before anything is sized by it.
        var nameRvas = Bytes(nameTable, 4UL * names, "the export name table");
        var ordinals = Bytes(ordinalTable, 2UL * names, "the export ordinal table");
        var addresses = Bytes(functionTable, 4UL * functions, "the export address table");
        for (var i = 0; i < (int)names; i++)
        {
            var ordinal = BinaryPrimitives.ReadUInt16LittleEndian(ordinals[(2 * i)..]);
            if (ordinal >= functions)
            {
                throw Invalid(at + 0x24, $"Export name {i} has ordinal index {ordinal}; the image exports {functions} functions.");
            }

            var nameRva = BinaryPrimitives.ReadUInt32LittleEndian(nameRvas[(4 * i)..]);
            var name = ReadAsciiString(nameRva) ?? throw Invalid(at + 0x20, $"Export name {i} at 0x{nameRva:X} is not a string the file holds.");
            exports.Add(new ImageExport(name, BinaryPrimitives.ReadUInt32LittleEndian(addresses[(4 * ordinal)..])));
        }

        return exports;
    }

    /// <summary>The base relocation blocks: a page RVA, the block's size, then 2-byte entries (type &lt;&lt; 12 | offset).</summary>
    private List<uint> ReadRelocations(DirectoryEntry directory)
    {
        var relocations = new List<uint>();
        if (directory.RelativeVirtualAddress == 0 || directory.Size == 0)
        {
            return relocations;
        }

        var table = Bytes((uint)directory.RelativeVirtualAddress, (uint)directory.Size, "the base relocation table");
        for (var at = 0; table.Length - at >= 8;)
        {
            var page = BinaryPrimitives.ReadUInt32LittleEndian(table[at..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(table[(at + 4)..]);
            if (size < 8 || size > (uint)(table.Length - at) || size % 2 != 0)
            {
                throw Invalid((uint)directory.RelativeVirtualAddress + (ulong)at + 4, $"A base relocation block's SizeOfBlock is 0x{size:X}; it must be at least 8, even, and within the table's 0x{table.Length - at:X} remaining bytes.");
            }

            foreach (var entry in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(table.Slice(at + 8, (int)size - 8)))
            {
                var value = BitConverter.IsLittleEndian ? entry : BinaryPrimitives.ReverseEndianness(entry);
                var type = (ushort)(value >> 12);
                if (type == RelocationDir64)
                {
                    relocations.Add(page + (uint)(value & 0xFFF));
                }
                else if (type != RelocationAbsolute)
                {
                    throw Invalid((uint)directory.RelativeVirtualAddress + (ulong)at, $"A base relocation of type {type} at page 0x{page:X}: an x64 image has only DIR64 (10) and padding (0).");
                }
            }

            at += (int)size;
        }

        return relocations;
    }

    /// <summary>The <paramref name="length"/> bytes the file holds at <paramref name="rva"/>, all of them, or <see cref="InvalidImageException"/>.</summary>
    private ReadOnlySpan<byte> Bytes(ulong rva, ulong length, string what)
    {
        var offset = length <= (ulong)_file.Length ? FileOffsetOf(rva, (uint)length) : -1;
        return offset >= 0
            ? _file.AsSpan((int)offset, (int)length)
            : throw new InvalidImageException(-1, $"{what} (0x{length:X} bytes at RVA 0x{rva:X}) is not in the file's bytes.");
    }

    /// <summary>A problem with the structure at <paramref name="rva"/>, reported at its file offset where the file holds it.</summary>
    private InvalidImageException Invalid(ulong rva, string reason) => new(FileOffsetOf(rva, 1), reason);
}
