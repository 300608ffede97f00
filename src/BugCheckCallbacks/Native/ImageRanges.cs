using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Native;

/// <summary>Where the operating system mapped a loaded library: the address ranges of its image, by platform.</summary>
internal static unsafe partial class ImageRanges
{
    /// <summary>Finds the ranges of the library loaded from <paramref name="path"/> as <paramref name="handle"/>; <paramref name="export"/> is one of its exported symbols.</summary>
    /// <exception cref="PlatformNotSupportedException">The host is not Linux, Windows or macOS.</exception>
    public static List<(nint Start, nint End)> Find(string path, nint handle, nint export)
    {
        if (OperatingSystem.IsLinux())
        {
            return FromProcMaps(File.ReadLines("/proc/self/maps"), Path.GetFullPath(path));
        }

        if (OperatingSystem.IsWindows())
        {
            return [FromPortableExecutable(handle)];
        }

        if (OperatingSystem.IsMacOS())
        {
            return FromMachO(export);
        }

        throw new PlatformNotSupportedException("Native drivers run on Linux, Windows and macOS hosts.");
    }

    /// <summary>
    /// The lines of /proc/self/maps ("start-end perms offset dev inode path") that map <paramref name="fullPath"/>, and the
    /// nameless mapping right after its last one when there is one: the loader maps the part of .bss past the file's last
    /// page anonymously, and a driver's large zeroed globals live there.
    /// </summary>
    internal static List<(nint Start, nint End)> FromProcMaps(IEnumerable<string> lines, string fullPath)
    {
        var ranges = new List<(nint Start, nint End)>();
        var previousWasImage = false;
        foreach (var line in lines)
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var bounds = fields[0].Split('-');
            var range = ((nint)long.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), (nint)long.Parse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var path = fields.Length >= 6 ? fields[5].Trim() : string.Empty;
            if (path == fullPath)
            {
                // A gap the loader reserves between segments (---p) is not memory the driver can use, nor can it be read.
                previousWasImage = fields[1].StartsWith('r');
                if (previousWasImage)
                {
                    ranges.Add(range);
                }

                continue;
            }

            if (previousWasImage && path.Length == 0 && fields[1].StartsWith("rw", StringComparison.Ordinal) && range.Item1 == ranges[^1].End)
            {
                ranges.Add(range);
            }

            previousWasImage = false;
        }

        return ranges;
    }

    /// <summary>A PE image is one range: the module handle is its base, the optional header says its size.</summary>
    private static (nint Start, nint End) FromPortableExecutable(nint module)
    {
        var peOffset = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>((void*)module, 0x40)[0x3C..]);
        var headers = new ReadOnlySpan<byte>((void*)module, peOffset + PeHeaderBytes); // the loader maps the headers whole
        return (module, module + (nint)SizeOfPortableExecutable(headers));
    }

    private const int PeHeaderBytes = 24 + 0x40; // the signature, IMAGE_FILE_HEADER, and the optional header up to SizeOfImage

    /// <summary>
    /// Reads <c>SizeOfImage</c> from the headers of a PE32+ image (<c>IMAGE_DOS_HEADER.e_lfanew</c> →
    /// <c>IMAGE_NT_HEADERS64.OptionalHeader.SizeOfImage</c>), as mapped or as the file's first bytes: both start the same.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not the headers of a PE32+ image.</exception>
    internal static uint SizeOfPortableExecutable(ReadOnlySpan<byte> headers)
    {
        if (headers.Length < 0x40 || headers[0] != (byte)'M' || headers[1] != (byte)'Z')
        {
            throw new InvalidDataException("The image does not start with an MZ header.");
        }

        var peOffset = BinaryPrimitives.ReadUInt32LittleEndian(headers[0x3C..]);
        if (peOffset > (uint)(headers.Length - PeHeaderBytes) || !headers[(int)peOffset..].StartsWith("PE\0\0"u8))
        {
            throw new InvalidDataException($"e_lfanew 0x{peOffset:X} does not point at a PE signature within the 0x{headers.Length:X} bytes given.");
        }

        var optionalHeader = headers[((int)peOffset + 24)..];
        var magic = BinaryPrimitives.ReadUInt16LittleEndian(optionalHeader);
        return magic == 0x20B // PE32+
            ? BinaryPrimitives.ReadUInt32LittleEndian(optionalHeader[56..])
            : throw new InvalidDataException($"The optional header's Magic is 0x{magic:X}, not 0x20B (PE32+): not a 64-bit image.");
    }

    /// <summary>A Mach-O image: dladdr gives the header of the image holding an export; its LC_SEGMENT_64 commands give the ranges.</summary>
    private static List<(nint Start, nint End)> FromMachO(nint export)
    {
        if (dladdr(export, out var info) == 0 || info.FileBase == 0)
        {
            throw new PlatformNotSupportedException("dladdr could not find the driver's image.");
        }

        var sizeOfCommands = *(uint*)((byte*)info.FileBase + 20); // mach_header_64.sizeofcmds; the loader maps the commands whole
        return FromMachOHeader(new ReadOnlySpan<byte>((void*)info.FileBase, MachHeader64Size + (int)sizeOfCommands), info.FileBase);
    }

    private const int MachHeader64Size = 32;

    /// <summary>
    /// The ranges of a 64-bit Mach-O image loaded at <paramref name="loadAddress"/>, from its header and load commands
    /// (<paramref name="image"/>: the file's first bytes, or the mapped header): each LC_SEGMENT_64 but __PAGEZERO, moved
    /// by the slide that puts __TEXT (the segment at file offset 0) at <paramref name="loadAddress"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a 64-bit Mach-O header with load commands that fit in them.</exception>
    internal static List<(nint Start, nint End)> FromMachOHeader(ReadOnlySpan<byte> image, nint loadAddress)
    {
        const uint MachHeader64Magic = 0xFEEDFACF;
        const uint SegmentCommand64 = 0x19;
        const int SegmentCommand64Size = 72;
        if (image.Length < MachHeader64Size || BinaryPrimitives.ReadUInt32LittleEndian(image) != MachHeader64Magic)
        {
            throw new InvalidDataException("The image does not start with a 64-bit Mach-O header (magic 0xFEEDFACF).");
        }

        var commands = BinaryPrimitives.ReadUInt32LittleEndian(image[16..]);
        var at = MachHeader64Size;
        long slide = 0;
        var segments = new List<(ulong Address, ulong Size)>();
        for (var i = 0u; i < commands; i++)
        {
            var size = image.Length - at >= 8 ? BinaryPrimitives.ReadUInt32LittleEndian(image[(at + 4)..]) : 0;
            if (size < 8 || size > (uint)(image.Length - at))
            {
                throw new InvalidDataException($"Load command {i} at 0x{at:X} has cmdsize 0x{size:X}, which does not fit in the 0x{image.Length:X} bytes of the header.");
            }

            var command = image.Slice(at, (int)size);
            if (BinaryPrimitives.ReadUInt32LittleEndian(command) == SegmentCommand64 && size >= SegmentCommand64Size)
            {
                var name = System.Text.Encoding.UTF8.GetString(command.Slice(8, 16)).TrimEnd('\0');
                var (address, length, fileOffset) = (BinaryPrimitives.ReadUInt64LittleEndian(command[24..]), BinaryPrimitives.ReadUInt64LittleEndian(command[32..]), BinaryPrimitives.ReadUInt64LittleEndian(command[40..]));
                if (name == "__TEXT" && fileOffset == 0)
                {
                    slide = (long)loadAddress - (long)address;
                }

                if (name != "__PAGEZERO" && length > 0)
                {
                    segments.Add((address, length));
                }
            }

            at += (int)size;
        }

        return segments.ConvertAll(s => ((nint)((long)s.Address + slide), (nint)((long)(s.Address + s.Size) + slide)));
    }

    [LibraryImport("libSystem.dylib")]
    private static partial int dladdr(nint address, out DlInfo info);

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint FileBase;
        public nint SymbolName;
        public nint SymbolAddress;
    }
}
