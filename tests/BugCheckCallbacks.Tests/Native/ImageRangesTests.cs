using BugCheckCallbacks.Native;

namespace BugCheckCallbacks.Tests.Native;

/// <summary>Where a loaded driver's image lies, read from /proc/self/maps as Linux writes it.</summary>
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
}
