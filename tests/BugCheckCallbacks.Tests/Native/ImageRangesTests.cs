using System.Reflection.PortableExecutable;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Tests.Native.Windows;

namespace BugCheckCallbacks.Tests.Native;

/// <summary>Where a loaded driver's image lies: read from /proc/self/maps as Linux writes it, and from a PE image's headers.</summary>
public sealed class ImageRangesTests
{
    private const string Maps = """
        7f10a0000000-7f10a0001000 r--p 00000000 08:01 1234                       /tmp/d/libdriver.so
        7f10a0001000-7f10a0002000 r-xp 00001000 08:01 1234                       /tmp/d/libdriver.so
        7f10a0002000-7f10a0003000 r--p 00002000 08:01 1234                       /tmp/d/libdriver.so
        7f10a0003000-7f10a0004000 rw-p 00002000 08:01 1234                       /tmp/d/libdriver.so
        7f10a0004000-7f10a0105000 rw-p 00000000 00:00 0 
        7f10a0200000-7f10a0201000 rw-p 00000000 00:00 0 
        7f10b0000000-7f10b0001000 r--p 00000000 08:01 99                         /tmp/d/libother.so
        """;

    [Fact]
    public void The_image_is_every_mapping_of_its_file_and_the_nameless_bss_mapping_right_after_it()
    {
        var ranges = ImageRanges.FromProcMaps(Maps.Split('\n'), "/tmp/d/libdriver.so");

        ranges.Should().Equal(
            (Address(0x7f10a0000000), Address(0x7f10a0001000)),
            (Address(0x7f10a0001000), Address(0x7f10a0002000)),
            (Address(0x7f10a0002000), Address(0x7f10a0003000)),
            (Address(0x7f10a0003000), Address(0x7f10a0004000)),
            (Address(0x7f10a0004000), Address(0x7f10a0105000)));
    }

    private static nint Address(long value) => (nint)value;

    [Fact]
    public void A_library_that_is_not_mapped_has_no_ranges()
    {
        ImageRanges.FromProcMaps(Maps.Split('\n'), "/tmp/d/libnone.so").Should().BeEmpty();
    }

    [MingwTheory]
    [InlineData("storage_driver")]
    [InlineData("faulty_driver")]
    public void A_mingw_built_DLL_read_as_a_file_has_the_SizeOfImage_the_BCL_PE_reader_reads(string sample)
    {
        var path = MingwToolchain.Compile(
            Path.Combine(RepositoryRoot.Path, "samples", "native", sample + ".c"), Path.Combine(Directory.CreateTempSubdirectory("bcc-mingw-").FullName, sample + ".dll"), "-shared");
        var bytes = File.ReadAllBytes(path);
        using var independent = new PEReader(new MemoryStream(bytes));

        var size = ImageRanges.SizeOfPortableExecutable(bytes.AsSpan(0, 0x1000));

        size.Should().Be((uint)independent.PEHeaders.PEHeader!.SizeOfImage).And.BeGreaterThan((uint)bytes.Length / 2);
    }

    [Theory]
    [InlineData(0, "MZ header")]
    [InlineData(1, "PE signature")]
    [InlineData(2, "not 0x20B (PE32+)")]
    public void Headers_that_are_not_a_PE32_plus_image_are_refused_with_what_is_wrong(int damage, string message)
    {
        var headers = new byte[0x200];
        "MZ"u8.CopyTo(headers);
        headers[0x3C] = 0x80;
        "PE\0\0"u8.CopyTo(headers.AsSpan(0x80));
        headers[0x98] = 0x0B; // Magic 0x20B
        headers[0x99] = 0x02;
        headers[0x98 + 56] = 0x34; // SizeOfImage 0x1234
        headers[0x98 + 57] = 0x12;
        ImageRanges.SizeOfPortableExecutable(headers).Should().Be(0x1234u, "the undamaged headers are read");
        _ = damage switch
        {
            0 => headers[0] = (byte)'X',
            1 => headers[0x3C] = 0xF0,
            _ => headers[0x99] = 0x01, // PE32
        };

        var read = () => ImageRanges.SizeOfPortableExecutable(headers);

        read.Should().Throw<InvalidDataException>().WithMessage($"*{message}*");
    }
}
