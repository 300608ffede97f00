using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>Where things are in the file: <see cref="DumpFile.BodyStart"/>, <see cref="DumpFile.GetPageFileOffset"/>, <see cref="DumpFile.EnumeratePagingStructures"/>.</summary>
public sealed class DumpFileLayoutTests
{
    private const ulong FrameMask = 0x000F_FFFF_FFFF_F000;

    [Theory]
    [MemberData(nameof(DumpFileTests.PageDumpTypes), MemberType = typeof(DumpFileTests))]
    public void The_body_starts_after_the_header_and_its_own_structures_and_holds_every_stored_page(DumpType dumpType)
    {
        var file = DumpFileTests.Write(dumpType).File;
        using var dump = DumpFileTests.Open(file);
        var expectedStart = dump.Header.DumpType == 1 ? 0x2000 : FirstPageField(file);
        dump.BodyStart.Should().Be(expectedStart);
        (dump.BodyEnd - dump.BodyStart).Should().Be((long)dump.StoredPageCount * 4096);
    }

    [Fact]
    public void A_small_memory_dump_has_its_triage_data_before_BodyStart_and_no_pages()
    {
        using var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Triage).File);
        dump.BodyStart.Should().Be(dump.BodyEnd).And.BeGreaterThan(0x2000);
        dump.EnumeratePagingStructures().Should().BeEmpty("a small memory dump has no page tables");
        dump.GetPageFileOffset(0).Should().Be(-1);
    }

    [Theory]
    [MemberData(nameof(DumpFileTests.PageDumpTypes), MemberType = typeof(DumpFileTests))]
    public void A_stored_page_is_at_the_file_offset_GetPageFileOffset_gives_and_a_missing_one_is_minus_one(DumpType dumpType)
    {
        var file = DumpFileTests.Write(dumpType).File;
        using var dump = DumpFileTests.Open(file);
        var page = new byte[4096];
        foreach (var run in dump.EnumerateStoredRuns().Take(64))
        {
            foreach (var frame in new[] { run.BasePage, run.EndPage - 1 })
            {
                var offset = dump.GetPageFileOffset(frame);
                offset.Should().BeInRange(dump.BodyStart, dump.BodyEnd - 4096);
                dump.ReadPhysical(frame << 12, page).Should().Be(4096);
                file.AsSpan((int)offset, 4096).ToArray().Should().Equal(page, $"frame 0x{frame:X} is read from offset 0x{offset:X}");
            }

            (dump.GetPageFileOffset(run.EndPage - 1) - dump.GetPageFileOffset(run.BasePage)).Should().Be((long)(run.PageCount - 1) * 4096, "a run lies in one piece in the file");
        }

        dump.GetPageFileOffset(1UL << 39).Should().Be(-1);
    }

    [Theory]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.Summary)]
    [InlineData(DumpType.BitmapFull)]
    [InlineData(DumpType.BitmapKernel)]
    public void GetPhysicalFileOffset_is_the_pages_offset_plus_the_offset_in_the_page_and_minus_one_for_a_missing_page(DumpType dumpType)
    {
        var file = DumpFileTests.Write(dumpType).File;
        using var dump = DumpFileTests.Open(file);
        var run = dump.EnumerateStoredRuns().First();
        var one = new byte[1];
        foreach (var within in new[] { 0, 1, 0x7FF, 0xFFF })
        {
            var address = DumpFile.AddressOfPage(run.BasePage) + (ulong)within;

            var offset = dump.GetPhysicalFileOffset(address);

            offset.Should().Be(dump.GetPageFileOffset(run.BasePage) + within);
            dump.ReadPhysical(address, one).Should().Be(1);
            file[offset].Should().Be(one[0], $"the byte at physical 0x{address:X} is at file offset 0x{offset:X}");
        }

        dump.GetPhysicalFileOffset((1UL << 51) + 0x123).Should().Be(-1);
    }

    [Theory]
    [InlineData(0UL, 0UL, 0)]
    [InlineData(0xFFFUL, 0UL, 0xFFF)]
    [InlineData(0x1000UL, 1UL, 0)]
    [InlineData(0xFFFF_8000_0040_0ABCUL, 0xF_FFF8_0000_0400UL, 0xABC)]
    [InlineData(ulong.MaxValue, 0xF_FFFF_FFFF_FFFFUL, 0xFFF)]
    public void PageOf_AddressOfPage_and_OffsetInPage_split_an_address_into_4_KiB_pages(ulong address, ulong page, int within)
    {
        DumpFile.PageOf(address).Should().Be(page);
        DumpFile.OffsetInPage(address).Should().Be(within);
        (DumpFile.AddressOfPage(page) + (ulong)within).Should().Be(address);
    }

    [Fact]
    public void AddressOfPage_refuses_a_page_whose_address_does_not_fit_in_64_bits()
    {
        var act = () => DumpFile.AddressOfPage(1UL << 52);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("page");
    }

    [Fact]
    public void The_header_and_page_sizes_are_those_of_an_x64_kernel_dump()
    {
        DumpFile.HeaderSize.Should().Be(0x2000);
        DumpFile.PageSize.Should().Be(0x1000);
        using var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Full).File);
        dump.BodyStart.Should().Be(DumpFile.HeaderSize, "a run-based dump's pages follow the header");
    }

    [Theory]
    [MemberData(nameof(DumpFileTests.PageDumpTypes), MemberType = typeof(DumpFileTests))]
    public void The_paging_structures_are_the_tables_a_translation_walks_through_each_once(DumpType dumpType)
    {
        var file = DumpFileTests.Write(dumpType).File;
        using var dump = DumpFileTests.Open(file);
        var tables = dump.EnumeratePagingStructures().ToList();
        if (dump.StoredPageCount == 0)
        {
            tables.Should().BeEmpty("a header-only dump stores no page, so no table");
            return;
        }

        tables[0].Should().Be(new PagingStructure(dump.Header.DirectoryTableBase >> 12, 4), "the walk starts at the PML4");
        tables.Select(t => t.PageFrame).Should().OnlyHaveUniqueItems();
        tables.Select(t => t.Level).Should().BeInDescendingOrder("level by level");
        tables.Should().OnlyContain(t => dump.ContainsPage(t.PageFrame));

        // The four tables behind the kernel's first address, found by hand from the file's bytes.
        var table = dump.Header.DirectoryTableBase & FrameMask;
        for (var level = 4; level >= 1; level--)
        {
            tables.Should().Contain(new PagingStructure(table >> 12, level));
            var index = (int)((DumpFileTests.Kva >> (12 + (9 * (level - 1)))) & 0x1FF);
            var entry = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)dump.GetPageFileOffset(table >> 12) + (index * 8)));
            (entry & 1).Should().Be(1, $"the level-{level} entry of 0x{DumpFileTests.Kva:X} is present");
            table = entry & FrameMask;
        }
    }

    [Fact]
    public void A_disposed_reader_refuses_the_layout_queries()
    {
        var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Summary).File);
        dump.Dispose();
        dump.Invoking(d => d.GetPageFileOffset(0)).Should().Throw<ObjectDisposedException>();
        dump.Invoking(d => d.EnumeratePagingStructures()).Should().Throw<ObjectDisposedException>();
    }

    /// <summary>A bitmap dump's first page is where its bitmap header's FirstPage field (file offset 0x2020) says (KERNEL-DUMP.md §3).</summary>
    private static long FirstPageField(byte[] file) => (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(0x2020));
}
