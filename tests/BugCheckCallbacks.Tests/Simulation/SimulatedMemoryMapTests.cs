using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class SimulatedMemoryMapTests
{
    private static readonly SimulatedMemoryMap s_map = new(
    [
        new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x10000, 0x2000), new byte[] { 1, 2, 3, 4 }),
        new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x12000, 0x1000)),
        new MemoryRegion(AddressSpace.Physical, new AddressRange(0, 0x10000)),
        new MemoryRegion(AddressSpace.Physical, new AddressRange(0x10000, 0x10000)),
    ]);

    [Theory]
    [InlineData(AddressSpace.Virtual, 0x10000ul, 0x2000ul, true)]
    [InlineData(AddressSpace.Virtual, 0x10000ul, 0x3000ul, true)]
    [InlineData(AddressSpace.Virtual, 0x10000ul, 0x3001ul, false)]
    [InlineData(AddressSpace.Virtual, 0xFFFFul, 0x10ul, false)]
    [InlineData(AddressSpace.Virtual, 0x10000ul, 0ul, false)]
    [InlineData(AddressSpace.Physical, 0x800ul, 0x800ul, true)]
    [InlineData(AddressSpace.Physical, 0xF000ul, 0x2000ul, true)]
    [InlineData(AddressSpace.Physical, 0x1F000ul, 0x1001ul, false)]
    [InlineData(AddressSpace.Virtual, 0xFFFFFFFFFFFFFFF0ul, 0x20ul, false)]
    public void Contains_requires_every_byte_in_regions_of_the_space(AddressSpace space, ulong address, ulong length, bool expected) =>
        s_map.Contains(space, address, length).Should().Be(expected);

    [Theory]
    [InlineData(0UL, false)] // no virtual region: the kernel's images and pool fit in the 256 frames
    [InlineData(0xF0UL, true)] // a region of 240 of the 256 frames: they no longer fit
    [InlineData(0xFBUL, true)] // 251, with its PML4, PDPT, page directory and page table: one frame left
    public void A_map_whose_virtual_regions_fill_physical_memory_still_bug_checks_with_its_kernel(ulong virtualPages, bool grows)
    {
        var regions = new List<MemoryRegion> { new(AddressSpace.Physical, new AddressRange(0x100000, 0x100000)) };
        if (virtualPages > 0)
        {
            regions.Add(new MemoryRegion(AddressSpace.Virtual, new AddressRange(0xFFFF_8000_0000_0000, virtualPages * 0x1000)));
        }

        var map = new SimulatedMemoryMap(regions);
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Full, MemoryMap = map, DetectAllocations = false });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "storport.sys", Callbacks.SecondaryWriter(Guid.NewGuid(), new byte[64]));
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4, sink);

        outcome.Violations.Should().BeEmpty();
        using var dump = DumpFile.Open(new MemoryStream(sink.ToArray(), writable: false));
        (dump.Header.NumberOfPages > 0x100).Should().Be(grows, "the top run grows by the frames the kernel needs, and only when they are missing");
    }

    [Fact]
    public void Read_returns_content_then_the_address_pattern()
    {
        var bytes = new byte[16];
        s_map.Read(AddressSpace.Virtual, 0x10000, bytes);
        bytes[..4].Should().Equal(1, 2, 3, 4);
        bytes[4..8].Should().Equal(new byte[] { 0, 0, 0, 0 }, "bytes 4..7 of the word at 0x10000 hold the high half of its address");
        BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)).Should().Be(0x10008);
    }

    [Theory]
    [InlineData(0x10100ul, 64)]
    [InlineData(0x10103ul, 61)]
    [InlineData(0x10105ul, 2)]
    public void Read_fills_every_byte_with_the_pattern_at_any_alignment(ulong address, int length)
    {
        var bytes = new byte[length];
        s_map.Read(AddressSpace.Virtual, address, bytes);
        for (var i = 0; i < length; i++)
        {
            var at = address + (ulong)i;
            var word = at & ~7UL;
            bytes[i].Should().Be((byte)(word >> (int)((at - word) * 8)), "byte {0} is byte {1} of the word at 0x{2:X}", i, at - word, word);
        }
    }

    [Fact]
    public void Read_crosses_adjacent_regions()
    {
        var bytes = new byte[16];
        s_map.Read(AddressSpace.Virtual, 0x11FF8, bytes);
        BinaryPrimitives.ReadUInt64LittleEndian(bytes).Should().Be(0x11FF8);
        BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)).Should().Be(0x12000);
    }

    [Fact]
    public void A_physical_page_that_backs_a_virtual_page_holds_the_virtual_content()
    {
        s_map.TryTranslate(0x11008, out var physical).Should().BeTrue();
        var bytes = new byte[8];
        s_map.Read(AddressSpace.Physical, physical, bytes);
        BinaryPrimitives.ReadUInt64LittleEndian(bytes).Should().Be(0x11008);
        s_map.Read(AddressSpace.Physical, 0x1008, bytes);
        BinaryPrimitives.ReadUInt64LittleEndian(bytes).Should().Be(0x1008, "a page no virtual page uses holds its physical address");
    }

    [Theory]
    [InlineData(AddressSpace.Physical, 0x20000ul)]
    [InlineData(AddressSpace.Virtual, 0x13000ul)]
    [InlineData(AddressSpace.Virtual, 0xFFFF800000000000ul)]
    public void Read_outside_the_map_throws(AddressSpace space, ulong address)
    {
        var act = () => s_map.Read(space, address - 8, new byte[16]);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("address");
    }

    [Fact]
    public void The_PML4_maps_itself_at_entry_0x1ED_and_without_frame_0x1AD_takes_the_highest_page()
    {
        var pml4 = new byte[0x1000];
        SimulatedMemoryMap.Default.Read(AddressSpace.Physical, SimulatedMemoryMap.Default.DirectoryTableBase, pml4);
        BitConverter.ToUInt64(pml4, 0x1ED * 8).Should().Be(0x1AD000UL | 0x63, "the self-reference, present and writable");
        var small = new SimulatedMemoryMap([Physical(0x1000, 0x10000), new(AddressSpace.Virtual, new AddressRange(0xFFFF800000000000, 0x1000))]);
        small.DirectoryTableBase.Should().Be(0x10000, "frame 0x1AD is not memory there: the highest page");
        var around = new SimulatedMemoryMap([Physical(0x1A0000, 0x20000), new(AddressSpace.Virtual, new AddressRange(0xFFFF800000000000, 0x10000))]);
        around.DirectoryTableBase.Should().Be(0x1AD000);
        around.TryTranslate(0xFFFF800000000000, out var first).Should().BeTrue();
        first.Should().Be(0x1AE000UL, "after the PDPT, PD and PT (0x1BF–0x1BD) the region takes the 15 frames above the PML4, then steps over it");
        around.TryTranslate(0xFFFF80000000F000, out var last).Should().BeTrue();
        last.Should().Be(0x1AC000UL);
        Enumerable.Range(0, 16).Select(i => around.TryTranslate(0xFFFF800000000000 + ((ulong)i * 0x1000), out var pa) ? pa >> 12 : 0)
            .Should().NotContain(0x1ADUL, "no page of a region lands on the PML4");
    }

    [Fact]
    public void The_default_map_is_64_MiB_of_physical_memory_in_two_runs_and_4_MiB_of_kernel_memory()
    {
        var map = SimulatedMemoryMap.Default;
        map.PhysicalMemoryRuns.Should().Equal(new PhysicalMemoryRun(1, 0x9E), new PhysicalMemoryRun(0x100, 0x3F00));
        map.PageTablePageCount.Should().Be(5, "a PML4, a PDPT, a page directory and two page tables map 4 MiB");
        map.DirectoryTableBase.Should().Be(0x1AD000, "the PML4 is frame 0x1AD, where Volatility 3 looks for it, when the machine has it");
        map.Contains(AddressSpace.Virtual, 0xFFFF800000000000, 0x400000).Should().BeTrue();
    }

    [Fact]
    public void Page_tables_are_real_x64_tables_in_physical_memory()
    {
        const ulong Va = 0xFFFF800000123456;
        var entry = new byte[8];
        var table = s_defaultDtb;
        foreach (var level in new[] { 4, 3, 2, 1 })
        {
            var index = (Va >> (12 + (9 * (level - 1)))) & 0x1FF;
            SimulatedMemoryMap.Default.Read(AddressSpace.Physical, table + (index * 8), entry);
            var value = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            (value & 0xFFF).Should().Be(0x63, "level {0}: present, writable, accessed, dirty, not a large page", level);
            table = value & 0x000F_FFFF_FFFF_F000;
        }

        SimulatedMemoryMap.Default.TryTranslate(Va, out var physical).Should().BeTrue();
        (table | (Va & 0xFFF)).Should().Be(physical);
    }

    [Fact]
    public void Frames_come_from_the_top_of_physical_memory_tables_first()
    {
        var frames = new List<(ulong Start, ulong End)>();
        s_map.AddPageTableFrames(frames);
        frames.Select(f => f.Start).Should().BeEquivalentTo(new ulong[] { 0x1F, 0x1E, 0x1D, 0x1C }, "PML4, PDPT, page directory, page table");
        s_map.DirectoryTableBase.Should().Be(0x1F000);
        frames.Clear();
        s_map.AddMappedFrames(frames);
        frames.Should().Equal([(0x19UL, 0x1AUL), (0x1AUL, 0x1CUL)], "the three virtual pages take the next three frames down, region by region");
    }

    [Fact]
    public void A_hundred_thousand_scattered_regions_each_get_their_page_table()
    {
        var regions = new List<MemoryRegion> { new(AddressSpace.Physical, new AddressRange(0x1000, 0x40000000)) };
        for (var i = 0UL; i < 100_000; i++)
        {
            regions.Add(new MemoryRegion(AddressSpace.Virtual, new AddressRange(0xFFFF800000000000 + (i * 0x200000), 0x1000)));
        }

        var map = new SimulatedMemoryMap(regions);
        map.PageTablePageCount.Should().Be(1 + 1 + 196 + 100_000, "one page table per 2 MiB region, one directory per 1 GiB");
        map.TryTranslate(0xFFFF800000000000 + (99_999UL * 0x200000) + 0x10, out _).Should().BeTrue();
    }

    public static TheoryData<MemoryRegion[], string> BadMaps() => new()
    {
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0, 0))], "empty" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(ulong.MaxValue - 0xFFF, 0x2000))], "wraps" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0, 0x1000), new byte[0x1001])], "content" },
        { [Physical(0, 0x10000), new((AddressSpace)5, new AddressRange(0, 0x1000))], "AddressSpace" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0x100, 0x1000))], "page-aligned" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0, 0x1800))], "page-aligned" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0, 0x2000)), new(AddressSpace.Virtual, new AddressRange(0x1000, 0x1000))], "overlaps" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0x0000_7FFF_FFFF_F000, 0x2000))], "canonical" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0x0000_8000_0000_0000, 0x1000))], "canonical" },
        { [new(AddressSpace.Virtual, new AddressRange(0, 0x1000))], "physical" },
        { Enumerable.Range(0, 43).Select(i => Physical((ulong)i * 0x2000, 0x1000)).ToArray(), "42" },
        { [Physical(0x000F_FFFF_FFFF_F000, 0x2000)], "2^52" },
        { [Physical(0, 0x4000), new(AddressSpace.Virtual, new AddressRange(0, 0x1000))], "page frames" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0xFFFF800000000000, 0x0000700000000000))], "page frames" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0xFFFF800000000000, 0x0000800000000000))], "where the page tables map themselves (PML4 entry 0x1ED)" },
        { [Physical(0, 0x10000), new(AddressSpace.Virtual, new AddressRange(0xFFFFF6FB7DBED000, 0x1000))], "overlaps 0xFFFFF68000000000..0xFFFFF6FFFFFFFFFF" },
    };

    [Theory]
    [MemberData(nameof(BadMaps))]
    public void Constructor_rejects_bad_regions(MemoryRegion[] regions, string reason)
    {
        var act = () => new SimulatedMemoryMap(regions);
        act.Should().Throw<ArgumentException>().WithParameterName("regions").WithMessage($"*{reason}*");
    }

    [Fact]
    public void Constructor_rejects_null()
    {
        var act = () => new SimulatedMemoryMap(null!);
        act.Should().Throw<ArgumentNullException>().WithParameterName("regions");
        var withNull = () => new SimulatedMemoryMap([null!]);
        withNull.Should().Throw<ArgumentNullException>().WithParameterName("regions");
    }

    [Fact]
    public void Same_range_in_both_spaces_does_not_overlap() =>
        new SimulatedMemoryMap([new(AddressSpace.Virtual, new AddressRange(0, 0x1000)), Physical(0, 0x10000)])
            .Regions.Should().HaveCount(2);

    private static readonly ulong s_defaultDtb = SimulatedMemoryMap.Default.DirectoryTableBase;

    private static MemoryRegion Physical(ulong address, ulong size) => new(AddressSpace.Physical, new AddressRange(address, size));
}
