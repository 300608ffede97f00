using System.Buffers.Binary;
using System.Reflection.PortableExecutable;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// An x64 kernel-mode image (a <c>.sys</c>, PE32+) read from its file, as the kernel's loader would map it: headers and
/// sections (read by the BCL's <see cref="PEHeaders"/>), imports, exports and base relocations (read here), and the
/// bytes at any address. Nothing is executed and nothing is loaded.
/// </summary>
/// <remarks>
/// Hostile-input safe, as <see cref="Dump.DumpFile"/> is: every size, count and RVA read from the file is checked, as an
/// unsigned number, against the file's real length before it sizes a read or an allocation, and every problem is one
/// <see cref="InvalidImageException"/> with the file offset. Immutable once read, so safe to share between threads.
/// </remarks>
public sealed partial class DriverImage
{
    /// <summary>The largest file read: 512 MiB, far above any driver (the kernel's own image is about 12 MiB).</summary>
    public const long MaxFileLength = 512L << 20;

    private const ushort MachineAmd64 = 0x8664;
    private readonly byte[] _file;

    private DriverImage(byte[] file, PEHeaders headers, IReadOnlyList<ImageSection> sections)
    {
        _file = file;
        var optional = headers.PEHeader!;
        ImageBase = optional.ImageBase;
        SizeOfImage = (uint)optional.SizeOfImage;
        SizeOfHeaders = (uint)optional.SizeOfHeaders;
        EntryPoint = (uint)optional.AddressOfEntryPoint;
        Subsystem = optional.Subsystem;
        Sections = sections;
        Imports = ReadImports(optional.ImportTableDirectory);
        Exports = ReadExports(optional.ExportTableDirectory);
        Relocations = ReadRelocations(optional.BaseRelocationTableDirectory);
    }

    /// <summary>Gets the address the image is linked to load at (<c>OptionalHeader.ImageBase</c>).</summary>
    public ulong ImageBase { get; }

    /// <summary>Gets the bytes the image spans in memory (<c>OptionalHeader.SizeOfImage</c>).</summary>
    public uint SizeOfImage { get; }

    /// <summary>Gets the bytes of headers before the first section (<c>OptionalHeader.SizeOfHeaders</c>).</summary>
    public uint SizeOfHeaders { get; }

    /// <summary>Gets the RVA the loader calls (<c>AddressOfEntryPoint</c>): a driver's <c>DriverEntry</c>, or the CRT's <c>GsDriverEntry</c> before it.</summary>
    public uint EntryPoint { get; }

    /// <summary>Gets the subsystem (<c>OptionalHeader.Subsystem</c>): <see cref="System.Reflection.PortableExecutable.Subsystem.Native"/> for a driver.</summary>
    public Subsystem Subsystem { get; }

    /// <summary>Gets the sections in file order.</summary>
    public IReadOnlyList<ImageSection> Sections { get; }

    /// <summary>Gets every routine the image imports, module by module, in import-table order.</summary>
    public IReadOnlyList<ImageImport> Imports { get; }

    /// <summary>Gets every name the image exports, in name-table order.</summary>
    public IReadOnlyList<ImageExport> Exports { get; }

    /// <summary>Gets the RVA of every 8-byte address the loader relocates (<c>IMAGE_REL_BASED_DIR64</c> entries), in table order.</summary>
    public IReadOnlyList<uint> Relocations { get; }

    /// <summary>Reads an image from its file.</summary>
    /// <param name="path">The file: a regular file of at most <see cref="MaxFileLength"/> bytes.</param>
    /// <returns>The image.</returns>
    /// <exception cref="InvalidImageException">The file is a directory, a link loop, empty or not a regular file, over <see cref="MaxFileLength"/>, or not a well-formed x64 PE32+ image.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DriverImage Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Looked at before it is opened, as DumpFile does: a FIFO's open blocks until a writer comes, a device never ends.
        // Each has no size, and is refused at once; a file over the limit is refused before a byte is read.
        if (Directory.Exists(path))
        {
            throw new InvalidImageException(0, $"{path} is a directory, not an image file.");
        }

        var info = new FileInfo(path);
        try
        {
            if (info.LinkTarget is not null)
            {
                _ = info.ResolveLinkTarget(returnFinalTarget: true); // a link loop throws here, not at open
            }
        }
        catch (IOException exception) when (exception is not FileNotFoundException)
        {
            throw new InvalidImageException(0, $"{path} is a symbolic link that cannot be followed: {exception.Message}");
        }

        if (info.Exists && (info.Length == 0 || info.Length > MaxFileLength))
        {
            throw new InvalidImageException(0, info.Length == 0
                ? $"{path} is empty or not a regular file (a FIFO, a device, a socket): there is nothing to read."
                : $"{path} is {info.Length:N0} bytes; an image is read only up to {MaxFileLength:N0}.");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var length = stream.Length;
        if (length == 0 || length > MaxFileLength)
        {
            throw new InvalidImageException(0, $"{path} changed size to {length:N0} bytes while it was opened.");
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return Read(bytes);
    }

    /// <summary>Reads an image from the bytes of its file.</summary>
    /// <param name="file">The whole file; the image keeps it, and it must not change afterwards.</param>
    /// <returns>The image.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="file"/> is null.</exception>
    /// <exception cref="InvalidImageException">The bytes are not a well-formed x64 PE32+ image.</exception>
    public static DriverImage Read(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        PEHeaders headers;
        try
        {
            headers = new PEHeaders(new MemoryStream(file, writable: false));
        }
        catch (BadImageFormatException exception)
        {
            throw new InvalidImageException(0, $"The headers are not those of a PE image: {exception.Message}", exception);
        }

        if (headers.PEHeader is null || headers.PEHeader.Magic != PEMagic.PE32Plus || (ushort)headers.CoffHeader.Machine != MachineAmd64)
        {
            throw new InvalidImageException(headers.PEHeaderStartOffset, $"Machine 0x{(ushort)headers.CoffHeader.Machine:X4}, {headers.PEHeader?.Magic.ToString() ?? "no optional header"}: not an x64 PE32+ image (0x8664, PE32Plus).");
        }

        var sections = new List<ImageSection>(headers.SectionHeaders.Length);
        for (var i = 0; i < headers.SectionHeaders.Length; i++)
        {
            var header = headers.SectionHeaders[i];
            var section = new ImageSection(header.Name, (uint)header.VirtualAddress, (uint)header.VirtualSize, (uint)header.PointerToRawData, (uint)header.SizeOfRawData, header.SectionCharacteristics);
            if ((ulong)section.RawOffset + section.RawSize > (ulong)file.Length)
            {
                throw new InvalidImageException(headers.PEHeaderStartOffset + headers.CoffHeader.SizeOfOptionalHeader + (40L * i), $"Section {i} ({section.Name}) holds 0x{section.RawSize:X} bytes at 0x{section.RawOffset:X}, past the file's end (0x{file.Length:X}).");
            }

            sections.Add(section);
        }

        return new DriverImage(file, headers, sections);
    }

    /// <summary>Gets the section that holds <paramref name="rva"/>, or null when none does (a header, or no memory).</summary>
    /// <param name="rva">An address relative to the image base.</param>
    /// <returns>The section, or null.</returns>
    public ImageSection? SectionAt(ulong rva)
    {
        foreach (var section in Sections)
        {
            if (section.Contains(rva))
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>Names <paramref name="rva"/> as a debugger would: <c>section+0xoffset</c>, or <c>0xrva</c> where no section holds it.</summary>
    /// <param name="rva">An address relative to the image base.</param>
    /// <returns>The name.</returns>
    public string DescribeRva(ulong rva) => SectionAt(rva) is { } section
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{section.Name}+0x{rva - section.VirtualAddress:X}")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"0x{rva:X}");

    /// <summary>Gets the bytes the file holds for <paramref name="section"/> (<c>SizeOfRawData</c> of them; the rest of it is zeros in memory).</summary>
    /// <param name="section">One of <see cref="Sections"/>.</param>
    /// <returns>The bytes, which the image owns.</returns>
    public ReadOnlyMemory<byte> GetRawData(ImageSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return _file.AsMemory((int)section.RawOffset, (int)section.RawSize); // checked against the file's length when read
    }

    /// <summary>Reads the 8-byte value the file holds at <paramref name="rva"/> (a pointer before relocation).</summary>
    /// <param name="rva">An address relative to the image base.</param>
    /// <param name="value">The value, when the file holds all 8 bytes.</param>
    /// <returns>Whether it does.</returns>
    public bool TryReadUInt64(ulong rva, out ulong value)
    {
        var offset = FileOffsetOf(rva, 8);
        value = offset >= 0 ? BinaryPrimitives.ReadUInt64LittleEndian(_file.AsSpan((int)offset)) : 0;
        return offset >= 0;
    }

    /// <summary>Reads the NUL-terminated ASCII string at <paramref name="rva"/>, of at most <paramref name="limit"/> characters.</summary>
    /// <param name="rva">An address relative to the image base.</param>
    /// <param name="limit">The most characters read.</param>
    /// <returns>The string, or null when the file does not hold it (or holds no NUL within the limit).</returns>
    public string? ReadAsciiString(ulong rva, int limit = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var offset = FileOffsetOf(rva, 1);
        if (offset < 0)
        {
            return null;
        }

        var available = _file.AsSpan((int)offset, (int)Math.Min(limit + 1, RawEndOf(rva) - offset));
        var end = available.IndexOf((byte)0);
        return end < 0 ? null : System.Text.Encoding.ASCII.GetString(available[..end]);
    }

    /// <summary>The file offset of <paramref name="length"/> bytes at <paramref name="rva"/>, or −1 when the file does not hold them all in one place.</summary>
    private long FileOffsetOf(ulong rva, uint length)
    {
        if (rva + length <= SizeOfHeaders && rva + length <= (ulong)_file.Length)
        {
            return (long)rva;
        }

        var section = SectionAt(rva);
        return section is not null && rva - section.VirtualAddress + length <= section.RawSize ? section.RawOffset + (long)(rva - section.VirtualAddress) : -1;
    }

    /// <summary>The file offset just past the file-backed bytes around <paramref name="rva"/> (which the file holds).</summary>
    private long RawEndOf(ulong rva) => SectionAt(rva) is { } section && rva >= SizeOfHeaders ? (long)section.RawOffset + section.RawSize : Math.Min(SizeOfHeaders, _file.Length);
}
