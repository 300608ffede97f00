using System.Globalization;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using BugCheckCallbacks.Binary;
using BugCheckCallbacks.Tests.Cli;
using BugCheckCallbacks.Tests.Native.Windows;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary>
/// <see cref="DriverImage"/> on images someone else's linker wrote (mingw-w64's ld: a real kernel-mode .sys and a
/// DLL), each table checked against mingw-w64's objdump and nm; and on damaged and hostile bytes.
/// </summary>
public sealed partial class DriverImageTests
{
    [MingwFact]
    public void The_headers_and_sections_are_the_images()
    {
        var image = DriverImage.Open(WindowsFixtures.KernelDriver);
        using var independent = new PEReader(File.OpenRead(WindowsFixtures.KernelDriver));

        image.Subsystem.Should().Be(Subsystem.Native);
        (image.ImageBase, image.SizeOfImage, image.EntryPoint).Should().Be(
            (independent.PEHeaders.PEHeader!.ImageBase, (uint)independent.PEHeaders.PEHeader.SizeOfImage, (uint)independent.PEHeaders.PEHeader.AddressOfEntryPoint));
        image.Sections.Select(s => (s.Name, (int)s.VirtualAddress, (int)s.RawSize))
            .Should().Equal(independent.PEHeaders.SectionHeaders.Select(s => (s.Name, s.VirtualAddress, s.SizeOfRawData)));
        var text = image.Sections.Single(s => s.Name == ".text");
        (text.IsExecutable, text.IsDiscardable, text.IsPageable).Should().Be((true, false, false));
        image.SectionAt(image.EntryPoint).Should().Be(text, "DriverEntry is code");
        image.GetRawData(text).Length.Should().Be((int)text.RawSize);
        image.DescribeRva(text.VirtualAddress + 0x2A).Should().Be(".text+0x2A");
        image.DescribeRva(0x10).Should().Be("0x10", "the headers are in no section");
    }

    [MingwFact]
    public void Every_import_is_objdumps_and_its_address_table_slot_names_it_before_binding()
    {
        var image = DriverImage.Open(WindowsFixtures.KernelDriver);
        var objdump = WindowsFixtures.Tool("objdump", "-p", WindowsFixtures.KernelDriver);

        image.Imports.Select(i => i.Name).Should().BeEquivalentTo(ImportedNames().Matches(objdump).Select(m => m.Groups["name"].Value));
        image.Imports.Should().OnlyContain(i => i.Module == "ntoskrnl.exe" && i.Ordinal == null);
        foreach (var import in image.Imports)
        {
            image.TryReadUInt64(import.AddressTableRva, out var thunk).Should().BeTrue();
            image.ReadAsciiString(thunk + 2).Should().Be(import.Name, "an unbound slot holds the RVA of its hint and name");
        }
    }

    [MingwFact]
    public void Every_export_and_relocation_is_the_ones_nm_and_objdump_list()
    {
        var image = DriverImage.Open(WindowsFixtures.StorageDll);
        var symbols = WindowsFixtures.Tool("nm", WindowsFixtures.StorageDll);
        var objdump = WindowsFixtures.Tool("objdump", "-p", WindowsFixtures.StorageDll);

        image.Exports.Select(e => e.Name).Should().Contain(["BccDriverGlue", "DriverEntry"]);
        foreach (var export in image.Exports)
        {
            var line = symbols.Split('\n').Single(l => l.EndsWith(" " + export.Name, StringComparison.Ordinal));
            (ulong.Parse(line[..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - image.ImageBase).Should().Be(export.Rva, export.Name);
        }

        var listed = Relocations().Matches(objdump).Select(m => uint.Parse(m.Groups["rva"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        listed.Should().NotBeEmpty("the glue's table of routines holds absolute addresses");
        image.Relocations.Should().Equal(listed);
    }

    [Theory]
    [InlineData(0, "not those of a PE image")]
    [InlineData(1, "not an x64 PE32+ image")]
    [InlineData(2, "past the file's end")]
    public void Damaged_headers_are_refused_with_InvalidImageException(int damage, string reason)
    {
        var file = MinimalImage();
        DriverImage.Read(file).Sections.Should().ContainSingle("the undamaged image is read");
        switch (damage)
        {
            case 0: file[0x80] = (byte)'X'; break; // the PE signature
            case 1: file[0x84] = 0x4C; file[0x85] = 0x01; break; // Machine i386
            default: file[0x80 + 24 + 240 + 20] = 0xF0; break; // section 0's PointerToRawData
        }

        var read = () => DriverImage.Read(file);

        read.Should().Throw<InvalidImageException>().Where(e => e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_relocation_block_of_size_zero_is_refused_at_its_file_offset()
    {
        var file = MinimalImage(relocationBlockSize: 0);

        var read = () => DriverImage.Read(file);

        read.Should().Throw<InvalidImageException>().Where(e => e.Offset == 0x200 + 4 && e.Reason.Contains("SizeOfBlock is 0x0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_directory_that_is_not_in_the_file_is_refused()
    {
        var file = MinimalImage();
        file[0x80 + 24 + 112 + 8] = 0x00; // the import directory's RVA: 0x70000, memory no section has
        file[0x80 + 24 + 112 + 10] = 0x07;

        var read = () => DriverImage.Read(file);

        read.Should().Throw<InvalidImageException>().Where(e => e.Reason.Contains("IMAGE_IMPORT_DESCRIPTOR", StringComparison.Ordinal));
    }

    [MingwFact]
    public void Any_damage_to_a_real_driver_gives_the_image_or_InvalidImageException_and_nothing_else()
    {
        var original = File.ReadAllBytes(WindowsFixtures.KernelDriver);
        var random = new Random(20261207);
        for (var i = 0; i < 3000; i++)
        {
            var file = (byte[])original.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                file[random.Next(Math.Min(file.Length, 0x1000))] = (byte)random.Next(256); // the headers and the tables are in the first pages
            }

            try
            {
                var image = DriverImage.Read(file);
                _ = image.Imports.Count + image.Exports.Count + image.Relocations.Count;
            }
            catch (InvalidImageException)
            {
            }
        }
    }

    [Fact]
    public void Open_refuses_a_directory_and_an_empty_file_with_InvalidImageException()
    {
        var folder = Directory.CreateTempSubdirectory("bcc-image-").FullName;
        var empty = Path.Combine(folder, "empty.sys");
        File.WriteAllBytes(empty, []);

        ((Action)(() => DriverImage.Open(folder))).Should().Throw<InvalidImageException>().WithMessage("*is a directory*");
        ((Action)(() => DriverImage.Open(empty))).Should().Throw<InvalidImageException>().WithMessage("*empty or not a regular file*");
    }

    [UnixFact]
    public void Open_refuses_a_FIFO_at_once_instead_of_blocking()
    {
        var fifo = Path.Combine(Directory.CreateTempSubdirectory("bcc-image-").FullName, "pipe.sys");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }

        var open = Task.Run(() => DriverImage.Open(fifo));
        var wait = () => open.Wait(TimeSpan.FromSeconds(30)); // a blocked open would return false here, and throw nothing

        wait.Should().Throw<AggregateException>().WithInnerException<InvalidImageException>().WithMessage("*empty or not a regular file*");
    }

    [Fact]
    public void Open_refuses_a_link_loop_and_a_sparse_file_over_the_limit_before_reading_it()
    {
        var folder = Directory.CreateTempSubdirectory("bcc-image-").FullName;
        var loop = Path.Combine(folder, "loop.sys");
        File.CreateSymbolicLink(loop, loop);
        var sparse = Path.Combine(folder, "huge.sys");
        using (var file = File.Create(sparse))
        {
            file.Write(MinimalImage());
            file.SetLength(4L << 30); // 4 GiB, nearly all holes: refused by its length, never read
        }

        ((Action)(() => DriverImage.Open(loop))).Should().Throw<InvalidImageException>().Where(e => e.Offset == 0).WithMessage("*cannot be followed*");
        ((Action)(() => DriverImage.Open(sparse))).Should().Throw<InvalidImageException>().WithMessage("*4,294,967,296 bytes; an image is read only up to 536,870,912*");
    }

    [GeneratedRegex(@"^\s+[0-9a-f]+\s+\d+\s+(?<name>\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ImportedNames();

    [GeneratedRegex(@"reloc\s+\d+ offset\s+[0-9a-f]+ \[\s*(?<rva>[0-9a-f]+)\] DIR64")]
    private static partial Regex Relocations();

    /// <summary>
    /// A hand-made x64 PE32+ image (winnt.h layouts): headers at 0 (PE header at 0x80), one section .text at RVA 0x1000,
    /// file offset 0x200, 0x200 bytes holding a base relocation table of one block (page 0x1000, two DIR64 entries).
    /// </summary>
    internal static byte[] MinimalImage(uint relocationBlockSize = 12)
    {
        var block = new byte[12];
        Write32(block, 0x1000); // the block: page 0x1000
        Write32(block.AsSpan(4), relocationBlockSize);
        Write16(block.AsSpan(8), 0xA010); // DIR64 at +0x10
        Write16(block.AsSpan(10), 0xA018); // DIR64 at +0x18
        return ImageWithText(block, (BaseRelocationDirectory, 0x1000, 12));
    }

    /// <summary>
    /// A hand-made x64 PE32+ image (winnt.h layouts) whose one section, .text (code, execute, read) at RVA 0x1000 and
    /// file offset 0x200, holds <paramref name="text"/>; each of <paramref name="directories"/> (index, RVA, size) in the
    /// optional header's data directories.
    /// </summary>
    internal static byte[] ImageWithText(ReadOnlySpan<byte> text, params (int Index, uint Rva, uint Size)[] directories)
    {
        var size = (uint)((text.Length + 0x1FF) & ~0x1FF);
        var file = new byte[0x200 + size];
        "MZ"u8.CopyTo(file);
        file[0x3C] = 0x80;
        var pe = file.AsSpan(0x80);
        "PE\0\0"u8.CopyTo(pe);
        Write16(pe[4..], 0x8664); // Machine
        Write16(pe[6..], 1); // NumberOfSections
        Write16(pe[20..], 240); // SizeOfOptionalHeader
        Write16(pe[22..], 0x22); // Characteristics: executable, large address aware
        var optional = pe[24..];
        Write16(optional, 0x20B); // PE32+
        Write32(optional[16..], 0x1000); // AddressOfEntryPoint
        Write64(optional[24..], 0x140000000); // ImageBase
        Write32(optional[32..], 0x1000); // SectionAlignment
        Write32(optional[36..], 0x200); // FileAlignment
        Write32(optional[56..], 0x1000 + ((size + 0xFFF) & ~0xFFFu)); // SizeOfImage
        Write32(optional[60..], 0x200); // SizeOfHeaders
        Write16(optional[68..], 1); // Subsystem: native
        Write32(optional[108..], 16); // NumberOfRvaAndSizes
        foreach (var (index, rva, length) in directories)
        {
            Write32(optional[(112 + (index * 8))..], rva);
            Write32(optional[(112 + (index * 8) + 4)..], length);
        }

        var section = pe[(24 + 240)..];
        ".text"u8.CopyTo(section);
        Write32(section[8..], size); // VirtualSize
        Write32(section[12..], 0x1000); // VirtualAddress
        Write32(section[16..], size); // SizeOfRawData
        Write32(section[20..], 0x200); // PointerToRawData
        Write32(section[36..], 0x60000020); // code, execute, read
        text.CopyTo(file.AsSpan(0x200));
        return file;
    }

    /// <summary>IMAGE_DIRECTORY_ENTRY_IMPORT.</summary>
    internal const int ImportDirectory = 1;

    /// <summary>IMAGE_DIRECTORY_ENTRY_BASERELOC.</summary>
    internal const int BaseRelocationDirectory = 5;

    private static void Write16(Span<byte> to, ushort value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(to, value);

    private static void Write32(Span<byte> to, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(to, value);

    private static void Write64(Span<byte> to, ulong value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(to, value);
}
