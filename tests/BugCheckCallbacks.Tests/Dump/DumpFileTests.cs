using System.Buffers.Binary;
using System.Text;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

public sealed class DumpFileTests
{
    internal const ulong Kva = 0xFFFF800000000000;
    private static readonly Guid s_tag = Guid.Parse("5a5a5a5a-1000-4000-8000-000000000001");
    private static readonly Guid s_other = Guid.Parse("5a5a5a5a-1000-4000-8000-000000000002");
    private static readonly byte[] s_log = Encoding.ASCII.GetBytes("storage log: 3 requests in flight");

    public static TheoryData<DumpType> AllDumpTypes() =>
        [DumpType.Full, DumpType.Summary, DumpType.Header, DumpType.Triage, DumpType.BitmapFull, DumpType.BitmapKernel, DumpType.Automatic];

    /// <summary>The dump types that store physical pages (a small memory dump stores blocks of virtual memory: TriageDumpTests).</summary>
    public static TheoryData<DumpType> PageDumpTypes() =>
        [DumpType.Full, DumpType.Summary, DumpType.Header, DumpType.BitmapFull, DumpType.BitmapKernel, DumpType.Automatic];

    /// <summary>A small machine: 16 physical pages (frames 1..16) and one page of kernel memory with content.</summary>
    internal static SimulatedMemoryMap TinyMachine { get; } = new(
    [
        new MemoryRegion(AddressSpace.Physical, new AddressRange(0x1000, 0x10000)),
        new MemoryRegion(AddressSpace.Virtual, new AddressRange(Kva, 0x1000), "tiny.sys state"u8.ToArray()),
    ]);

    /// <summary>
    /// Bug-checks a kernel on <paramref name="map"/> (the default map when null) with a secondary-data callback, a
    /// multi-part one, AddPages (physical 0x10000 + 3 pages), RemovePages (physical 0x11000), and a triage block.
    /// </summary>
    internal static (byte[] File, BugCheckOutcome Outcome) Write(DumpType dumpType, SimulatedMemoryMap? map = null)
    {
        // Allocation detection off: a complete dump puts 64 MiB into the in-memory sink, past the 16 MiB no-GC budget.
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType, MemoryMap = map ?? SimulatedMemoryMap.Default, DetectAllocations = false, MultiPartReservation = 0x80 });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "storport.sys", Callbacks.SecondaryWriter(s_tag, s_log));
        var parts = new[] { "part one"u8.ToArray(), "part two!"u8.ToArray() };
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "ndis.sys", (_, _, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            var part = (int)d.Context;
            d.Guid = s_other;
            d.SetOutput(parts[part]);
            d.Context = part + 1;
            d.Flags = part == 0 ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        });
        if (map is null)
        {
            kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x10000, 3)));
            kernel.Register(BugCheckCallbackReason.RemovePages, "remove.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x11000, 1)));
            var array = new TriageDumpDataArray(0x100);
            kernel.Register(BugCheckCallbackReason.TriageDumpData, "triage.sys", (_, _, data) =>
            {
                array.Initialize(0x100);
                array.AddBlock(Kva + 0x3000, 0x80);
                ((TriageDumpData)data!).DataArray = array;
            });
        }

        var sink = new InMemoryDumpSink();
        var outcome = kernel.KeBugCheckEx(0xD1, 0xFFFFD00012345678, 2, 0, 0xFFFFF80012345678, sink);
        outcome.Violations.Should().BeEmpty();
        return (sink.ToArray(), outcome);
    }

    internal static DumpFile Open(byte[] file) => DumpFile.Open(new MemoryStream(file, writable: false));

    [Theory]
    [InlineData(0L, "1601-01-01T00:00:00.0000000+00:00")]
    [InlineData(2650467743999999999L, "9999-12-31T23:59:59.9999999+00:00")]
    [InlineData(2650467744000000000L, null)]
    [InlineData(long.MaxValue, null)]
    [InlineData(-1L, null)]
    public void SystemTimeUtc_is_the_FILETIME_in_UTC_to_the_end_of_time_and_null_past_it(long fileTime, string? expected)
    {
        var time = new DumpFileHeader { SystemTime = fileTime }.SystemTimeUtc;
        var text = time is { } value ? value.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : null;
        text.Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(AllDumpTypes))]
    public void Every_dump_type_round_trips_its_header(DumpType dumpType)
    {
        var (file, _) = Write(dumpType);
        using var dump = Open(file);
        var h = dump.Header;
        (h.MajorVersion, h.MinorVersion, h.MachineImageType, h.NumberProcessors).Should().Be((0xFu, 26100u, 0x8664u, 4u));
        (h.BugCheckCode, h.BugCheckParameter1, h.BugCheckParameter2, h.BugCheckParameter3, h.BugCheckParameter4).Should().Be((0xD1u, 0xFFFFD00012345678ul, 2ul, 0ul, 0xFFFFF80012345678ul));
        h.DirectoryTableBase.Should().Be(SimulatedMemoryMap.Default.DirectoryTableBase);
        var isTriage = dumpType == DumpType.Triage; // Windows leaves "PAGE" in a small dump's runs and comment
        h.PhysicalMemoryRuns.Should().Equal(isTriage ? [] : SimulatedMemoryMap.Default.PhysicalMemoryRuns);
        h.NumberOfPages.Should().Be(isTriage ? 0 : 0x9Eul + 0x3F00ul);
        h.DumpType.Should().Be(dumpType switch { DumpType.Full => 1u, DumpType.Triage => 4u, _ => 5u });
        dump.Layout.Should().Be(dumpType switch { DumpType.Full => DumpBodyLayout.RunBased, DumpType.BitmapFull => DumpBodyLayout.CompleteBitmap, DumpType.Triage => DumpBodyLayout.Triage, _ => DumpBodyLayout.KernelBitmap });
        h.RequiredDumpSpace.Should().Be(file.Length);
        h.SystemTimeUtc.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        h.Comment.Should().Be(isTriage ? string.Empty : $"BugCheckCallbacks simulated {dumpType} dump");
        h.AbsentFields.Should().BeEquivalentTo(isTriage ? ["NumberOfRuns", "NumberOfPages", "Comment", "SecondaryDataState"] : Array.Empty<string>());
        (h.ProductType, h.SuiteMask, h.SecondaryDataState).Should().Be((1u, 0x110u, 0u));
        dump.Length.Should().Be(file.Length);
    }

    /// <summary>
    /// The simulated kernel of <see cref="Write"/>'s five components: ntoskrnl.exe 3 pages (headers, data, code), hal.dll
    /// and each component 2 (headers with the name, code), the pool 2 (the stack page; 7 module entries, their names and
    /// 5 records), and KUSER_SHARED_DATA 1.
    /// </summary>
    private const int KernelPages = 3 + 2 + (5 * 2) + 2 + 1;

    /// <summary>
    /// Its page tables: for the images a PDPT, a page directory and one page table (the 7 images are packed 64 KiB apart,
    /// inside one 2 MiB range); for the pool 3; for KUSER_SHARED_DATA 3.
    /// </summary>
    private const int KernelTables = 3 + 3 + 3;

    [Theory]
    [InlineData(DumpType.Full, 0x3F9E)]
    [InlineData(DumpType.BitmapFull, 0x3F9E - 1)]
    [InlineData(DumpType.Summary, 5 + 1024 + 2 + KernelTables + KernelPages)]
    [InlineData(DumpType.BitmapKernel, 5 + 1024 + 2 + KernelTables + KernelPages)]
    [InlineData(DumpType.Automatic, 5 + 1024 + 2 + KernelTables + KernelPages)]
    [InlineData(DumpType.Triage, 0)] // a small memory dump keeps blocks of virtual memory, no pages (TriageDumpTests)
    [InlineData(DumpType.Header, 0)]
    public void Each_dump_type_stores_the_documented_pages(DumpType dumpType, int pages)
    {
        var (file, _) = Write(dumpType);
        using var dump = Open(file);
        dump.StoredPageCount.Should().Be((ulong)pages);
        var tables = PageTableFrames(SimulatedMemoryMap.Default);
        if (dumpType is not (DumpType.Header or DumpType.Triage))
        {
            tables.Should().OnlyContain(frame => dump.ContainsPage(frame), "every dump with pages holds the page tables");
        }

        var kernelOrComplete = dumpType is not (DumpType.Triage or DumpType.Header);
        dump.ContainsPage(0x10).Should().Be(kernelOrComplete, "AddPages added 0x10000 (complete dumps hold it anyway)");
        dump.ContainsPage(0x12).Should().Be(kernelOrComplete);
        dump.ContainsPage(0x11).Should().Be(dumpType == DumpType.Full, "RemovePages removed 0x11000; a run-based dump keeps its slot, zero-filled");
        dump.ContainsPage(0x13).Should().Be(dumpType is DumpType.Full or DumpType.BitmapFull, "only complete dumps hold pages nobody asked for");
        dump.ContainsPage(0).Should().BeFalse("page 0 is not memory");
    }

    [Theory]
    [MemberData(nameof(PageDumpTypes))]
    public void The_independent_reader_agrees_with_the_library_on_every_dump_of_pages(DumpType dumpType)
    {
        var (file, outcome) = Write(dumpType);
        var independent = new IndependentDumpReader(file);
        using var dump = Open(file);
        (independent.BugCheckCode, independent.DirectoryTableBase, independent.DumpType, independent.RequiredDumpSpace).Should().Be((dump.Header.BugCheckCode, dump.Header.DirectoryTableBase, dump.Header.DumpType, dump.Header.RequiredDumpSpace));
        independent.Runs.Should().Equal(dump.Header.PhysicalMemoryRuns.Select(r => (r.BasePage, r.PageCount)));
        independent.BitmapSignature.Should().Be(dump.Layout switch { DumpBodyLayout.KernelBitmap => "SDMP", DumpBodyLayout.CompleteBitmap => "FDMP", _ => null });
        dump.BodyEnd.Should().Be(independent.PagesEnd);
        var stored = dump.EnumerateStoredRuns().SelectMany(r => Enumerable.Range(0, (int)r.PageCount).Select(i => r.BasePage + (ulong)i)).ToArray();
        stored.Should().Equal(independent.StoredPages);
        var page = new byte[0x1000];
        foreach (var frame in stored)
        {
            dump.ReadPhysical(frame << 12, page).Should().Be(0x1000);
            page.Should().Equal(independent.Page(frame), "page 0x{0:X}", frame);
        }

        foreach (var va in new[] { Kva, Kva + 0x3000, Kva + 0x3FF000, Kva + 0x400000, 0x1000UL })
        {
            var expected = independent.Translate(va);
            dump.TryTranslate(va, out var pa).Should().Be(expected is not null);
            if (expected is { } e)
            {
                pa.Should().Be(e);
            }
        }

        var blobs = independent.Blobs();
        blobs.Select(b => (b.Tag, b.Data.Length)).Should().Equal(dump.EnumerateTags().Select(t => (t.Tag, (int)t.Size)));
        blobs.Select(b => b.Tag).Should().Equal(outcome.Blobs.Select(b => b.Tag));
        blobs[0].Data.Should().Equal(s_log);
    }

    [Theory]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.BitmapFull)]
    [InlineData(DumpType.Automatic)]
    public void Virtual_reads_see_each_page_hold_its_own_address_and_the_region_content(DumpType dumpType)
    {
        var map = new SimulatedMemoryMap(
        [
            new MemoryRegion(AddressSpace.Physical, new AddressRange(0x1000, 0x7FF000)),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(Kva, 0x200000)),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(Kva + 0x40000000, 0x3000), "driver buffer"u8.ToArray()),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x10000, 0x1000)),
        ]);
        var (file, _) = Write(dumpType, map);
        using var dump = Open(file);
        var page = new byte[0x1000];
        for (var va = Kva; va < Kva + 0x200000; va += 0x1000)
        {
            dump.ReadVirtual(va, page).Should().Be(0x1000);
            for (var w = 0; w < 0x1000; w += 8)
            {
                BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(w)).Should().Be(va + (ulong)w);
            }
        }

        var buffer = new byte[0x3000];
        dump.ReadVirtual(Kva + 0x40000000, buffer).Should().Be(0x3000, "three pages in a row, whatever frames back them");
        buffer[..13].Should().Equal("driver buffer"u8.ToArray());
        BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(0x2FF8)).Should().Be(Kva + 0x40002FF8);
        dump.ReadVirtual(0x10000, page).Should().Be(0x1000, "a user-space region is mapped too");
        dump.ReadVirtual(Kva + 0x200000 - 8, page).Should().Be(8, "the read stops at the first unmapped page");
        dump.TryTranslate(0x0000_8000_0000_0000, out _).Should().BeFalse("the address is not canonical");
        dump.TryTranslate(Kva + 0x80000000, out _).Should().BeFalse();
    }

    [Fact]
    public void Physical_pages_hold_their_own_address_and_removed_pages_of_a_run_based_dump_are_zero()
    {
        var (file, _) = Write(DumpType.Full);
        using var dump = Open(file);
        var page = new byte[0x1000];
        dump.ReadPhysical(0x13000, page).Should().Be(0x1000);
        BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(0x10)).Should().Be(0x13010);
        dump.ReadPhysical(0x11000, page).Should().Be(0x1000);
        page.Should().OnlyContain(b => b == 0, "RemovePages removed it; the run-based layout has a slot for it");
        dump.ReadPhysical(0x9F000 - 8, page).Should().Be(8, "page 0x9F is the hole below 1 MiB");
        dump.ReadPhysical(0, page).Should().Be(0);
    }

    [Fact]
    public void Page_tables_hold_real_x64_entries_rooted_at_the_DirectoryTableBase()
    {
        var (file, _) = Write(DumpType.Automatic);
        using var dump = Open(file);
        var entry = new byte[8];
        dump.ReadPhysical(dump.Header.DirectoryTableBase + (256 * 8), entry).Should().Be(8, "PML4 entry 256 maps 0xFFFF800000000000");
        var pml4e = BinaryPrimitives.ReadUInt64LittleEndian(entry);
        (pml4e & 0xFFF).Should().Be(0x63, "present, writable, accessed, dirty");
        dump.ContainsPage((pml4e & 0x000F_FFFF_FFFF_F000) >> 12).Should().BeTrue("the PDPT is stored");
        dump.ReadPhysical(dump.Header.DirectoryTableBase, entry).Should().Be(8);
        BinaryPrimitives.ReadUInt64LittleEndian(entry).Should().Be(0, "nothing maps the bottom 512 GiB");
        SimulatedMemoryMap.Default.TryTranslate(Kva + 0x1234, out var expected).Should().BeTrue();
        dump.TryTranslate(Kva + 0x1234, out var pa).Should().BeTrue();
        pa.Should().Be(expected);
    }

    [Fact]
    public void Large_pages_of_2_MiB_and_1_GiB_translate()
    {
        // A hand-made run-based dump of 8 pages: PML4 at frame 0, PDPT at 1, PD at 2; a 1 GiB page and a 2 MiB page.
        var file = HandMadeDump(8, (0, 0x1000 | 0x63), (0x1000 + (1 * 8), 0x2000 | 0x63), (0x1000 + (2 * 8), 0x40000000 | 0xE3), (0x2000 + (3 * 8), 0x5000 | 0x63), (0x2000 + (4 * 8), 0x200000 | 0xE3), (0x5000, 0x7000 | 0x63));
        using var dump = Open(file);
        dump.TryTranslate(0x0000_0000_8000_1234, out var pa).Should().BeTrue("PDPT entry 2 is a 1 GiB page");
        pa.Should().Be(0x40001234);
        dump.TryTranslate(0x0000_0000_4080_0010, out pa).Should().BeTrue("PD entry 4 is a 2 MiB page");
        pa.Should().Be(0x200010);
        dump.TryTranslate(0x0000_0000_4060_0000, out pa).Should().BeTrue("PD entry 3 points at a page table");
        pa.Should().Be(0x7000);
        dump.TryTranslate(0x0000_0000_C000_0000, out _).Should().BeFalse("PDPT entry 3 is not present");
    }

    [Theory]
    [InlineData(0x7000ul | 0x800, true)] // transition: not present, bit 11 set, bit 10 clear; the frame still holds the page
    [InlineData(0x7000ul | 0xC00, false)] // prototype: the entry points elsewhere
    [InlineData(0x7000ul, false)] // not present
    public void A_Windows_transition_entry_translates_like_Volatility_reads_it(ulong pte, bool valid)
    {
        var file = HandMadeDump(8, (0, 0x1000 | 0x63), (0x1000, 0x2000 | 0x63), (0x2000, 0x3000 | 0x63), (0x3000, pte));
        using var dump = Open(file);
        dump.TryTranslate(0x10, out var pa).Should().Be(valid);
        pa.Should().Be(valid ? 0x7010ul : 0);
    }

    [Fact]
    public void Tags_read_like_enumtag_and_ReadTagged()
    {
        var (file, _) = Write(DumpType.Automatic);
        using var dump = Open(file);
        dump.HasSecondaryData.Should().BeTrue();
        dump.SecondaryDataOffset.Should().Be(dump.BodyEnd);
        var tags = dump.EnumerateTags().ToArray();
        tags.Select(t => (t.Tag, t.Size)).Should().Equal((s_tag, (uint)s_log.Length), (s_other, 8u), (s_other, 9u));
        tags[0].Offset.Should().Be(dump.BodyEnd + 0x30);
        var buffer = new byte[64];
        dump.ReadTagged(s_other, buffer, out var total).Should().Be(8, "the first block with a tag wins");
        (total, Encoding.ASCII.GetString(buffer, 0, 8)).Should().Be((8u, "part one"));
        dump.TryReadTagged(s_tag, 13, buffer.AsSpan(0, 3), out var read, out total).Should().BeTrue();
        (read, Encoding.ASCII.GetString(buffer, 0, 3), total).Should().Be((3, "3 r", (uint)s_log.Length));
        using (var stream = dump.OpenTag(s_tag))
        {
            stream.Length.Should().Be(s_log.Length);
        }

        var missing = () => dump.ReadTagged(Guid.Empty, buffer, out _);
        missing.Should().Throw<KeyNotFoundException>();
        dump.TryReadTagged(Guid.Empty, 0, buffer, out _, out _).Should().BeFalse();
    }

    [Fact]
    public void A_hundred_thousand_added_pages_and_tags_round_trip()
    {
        const int N = 100_000;
        var kernel = new SimulatedKernel(new SimulationOptions
        {
            DumpType = DumpType.BitmapKernel,
            RepeatCallBudget = N,
            SecondaryDataBudget = 8 << 20,
            MultiPartReservation = 8 << 20, // 100,000 parts of 0x28 bytes: 3.8 MiB
            DetectAllocations = false,
            MemoryMap = new SimulatedMemoryMap([new MemoryRegion(AddressSpace.Physical, new AddressRange(0, 1UL << 30))]),
        });
        kernel.Register(BugCheckCallbackReason.AddPages, "scatter.sys", (_, _, data) =>
        {
            var d = (PageRangeData)data!;
            var i = (ulong)d.Context;
            d.Flags = PageRangeFlags.PhysicalAddress | (i + 1 < N ? PageRangeFlags.AdditionalRangesExist : 0);
            d.Address = (((i * 7919) % 0x3FFF0) + 1) << 12; // every page once, in no order
            d.Count = 1;
            d.Context = (nint)(i + 1);
        });
        var part = new byte[8];
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "many.sys", (_, _, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            BinaryPrimitives.WriteInt64LittleEndian(part, d.Context);
            d.Guid = new Guid((int)d.Context + 1, 0, 0, new byte[8]);
            d.SetOutput(part);
            d.Context++;
            d.Flags = d.Context < N ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        });
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0x1, sink: sink).Violations.Should().BeEmpty();
        using var dump = sink.Open();
        dump.StoredPageCount.Should().Be(N + 1UL + 21, "the added pages, the PML4, and the simulated kernel: 12 pages (4 images, 2 of pool, KUSER_SHARED_DATA) and 9 of page tables (the images share one)");
        dump.ContainsPage(((99_999UL * 7919) % 0x3FFF0) + 1).Should().BeTrue();
        var tags = dump.EnumerateTags().ToArray();
        tags.Should().HaveCount(N);
        var buffer = new byte[8];
        dump.ReadTagged(new Guid(N, 0, 0, new byte[8]), buffer, out _).Should().Be(8);
        BinaryPrimitives.ReadInt64LittleEndian(buffer).Should().Be(N - 1);

        // Every tag read by GUID, from the file reader and from the sink: one index pass, not a scan per tag.
        foreach (ITaggedDataReader reader in new ITaggedDataReader[] { dump, sink })
        {
            for (var i = 0; i < N; i++)
            {
                reader.ReadTagged(new Guid(i + 1, 0, 0, new byte[8]), buffer, out _);
                if (BinaryPrimitives.ReadInt64LittleEndian(buffer) != i)
                {
                    BinaryPrimitives.ReadInt64LittleEndian(buffer).Should().Be(i, $"tag {i + 1} holds its part number");
                }
            }
        }
    }

    [Fact]
    public void Listing_tags_reads_only_the_header_the_bitmap_and_the_region()
    {
        var (file, _) = Write(DumpType.BitmapFull);
        using var counting = new CountingStream(file);
        using var dump = DumpFile.Open(counting, leaveOpen: true);
        dump.EnumerateTags().Should().HaveCount(3);
        var bitmapArea = dump.BodyEnd - ((long)dump.StoredPageCount * 0x1000) - 0x2000;
        var region = dump.Header.RequiredDumpSpace - dump.BodyEnd;
        counting.BytesRead.Should().BeLessThanOrEqualTo(0x2000 + bitmapArea + (2 * region), "the region's headers are read again when listing");
        counting.BytesRead.Should().BeLessThan(file.Length / 100, "not one page of the 64 MiB of pages is read");
    }

    [Fact]
    public void A_dump_without_secondary_data_has_no_region()
    {
        var file = new InMemoryDumpSink();
        new SimulatedKernel().KeBugCheckEx(0x1, sink: file);
        using var dump = file.Open();
        dump.HasSecondaryData.Should().BeFalse();
        dump.SecondaryDataOffset.Should().Be(-1);
        dump.EnumerateTags().Should().BeEmpty();
        dump.TryReadTagged(s_tag, 0, new byte[4], out _, out _).Should().BeFalse();
        dump.Invoking(d => d.OpenSecondaryData()).Should().Throw<InvalidOperationException>().WithMessage("*no secondary-data region*");
        dump.Invoking(d => d.OpenTag(s_tag)).Should().Throw<KeyNotFoundException>();
        dump.Header.RequiredDumpSpace.Should().Be(file.Length);
    }

    [Fact]
    public void A_region_after_padding_is_found_by_scanning_forward()
    {
        var (file, _) = Write(DumpType.Automatic, TinyMachine);
        using var original = Open(file);
        var bodyEnd = (int)original.BodyEnd;
        var shifted = new byte[file.Length + 0x48];
        file.AsSpan(0, bodyEnd).CopyTo(shifted);
        file.AsSpan(bodyEnd).CopyTo(shifted.AsSpan(bodyEnd + 0x48));
        BinaryPrimitives.WriteInt64LittleEndian(shifted.AsSpan(0xFA0), shifted.Length);
        using var dump = Open(shifted);
        dump.SecondaryDataOffset.Should().Be(bodyEnd + 0x48);
        dump.EnumerateTags().Select(t => t.Tag).Should().Equal(s_tag, s_other, s_other);
    }

    [Fact]
    public void Open_reads_files_and_streams_and_leaves_a_stream_open_when_asked()
    {
        var (file, _) = Write(DumpType.Automatic, TinyMachine);
        var path = Path.Combine(Path.GetTempPath(), $"bcb-{Guid.NewGuid():N}.dmp");
        File.WriteAllBytes(path, file);
        try
        {
            using (var dump = DumpFile.Open(path))
            {
                dump.EnumerateTags().Should().HaveCount(3);
                dump.ReadVirtual(Kva, new byte[14]).Should().Be(14);
            }

            File.Delete(path); // the reader closed the file
        }
        finally
        {
            File.Delete(path);
        }

        var stream = new MemoryStream(file);
        DumpFile.Open(stream, leaveOpen: true).Dispose();
        stream.CanRead.Should().BeTrue();
        DumpFile.Open(stream).Dispose();
        stream.CanRead.Should().BeFalse();
    }

    [Fact]
    public void Open_checks_its_arguments_and_a_disposed_reader_refuses_work()
    {
        FluentActions.Invoking(() => DumpFile.Open((string)null!)).Should().Throw<ArgumentNullException>().WithParameterName("path");
        FluentActions.Invoking(() => DumpFile.Open(string.Empty)).Should().Throw<ArgumentException>().WithParameterName("path");
        FluentActions.Invoking(() => DumpFile.Open((Stream)null!)).Should().Throw<ArgumentNullException>().WithParameterName("stream");
        using var writeOnly = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        FluentActions.Invoking(() => DumpFile.Open(writeOnly)).Should().Throw<ArgumentException>().WithParameterName("stream");

        var dump = Open(Write(DumpType.Automatic, TinyMachine).File);
        dump.Dispose();
        dump.Invoking(d => d.ReadPhysical(0, new byte[1])).Should().Throw<ObjectDisposedException>();
        dump.Invoking(d => d.TryTranslate(Kva, out _)).Should().Throw<ObjectDisposedException>();
        dump.Invoking(d => d.ContainsPage(1)).Should().Throw<ObjectDisposedException>();
        dump.Invoking(d => d.EnumerateTags()).Should().Throw<ObjectDisposedException>();
        dump.Invoking(d => d.EnumerateStoredRuns()).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void HasSignature_tells_an_x64_kernel_dump_by_its_first_eight_bytes()
    {
        DumpFile.HasSignature("PAGEDU64"u8).Should().BeTrue();
        DumpFile.HasSignature("PAGEDUMP"u8).Should().BeFalse("a 32-bit dump");
        DumpFile.HasSignature("PAGE"u8).Should().BeFalse();
        DumpFile.HasSignature("DumpBlob"u8).Should().BeFalse();
    }

    public static TheoryData<string, int, Action<byte[]>> HostileHeaders() => new()
    {
        { "not start with \"PAGE\"", 0, f => f[0] = (byte)'X' },
        { "32-bit kernel dump", 4, f => "DUMP"u8.CopyTo(f.AsSpan(4)) },
        { "ValidDump is \"DU65\"", 4, f => f[7] = (byte)'5' },
        { "DumpType 3 (header only)", 0xF98, f => f[0xF98] = 3 },
        { "does not read 0x40, \"RDMP\", \"DUMP\"", 0x2000, f => f[0xF98] = 8 },
        { "DumpType 2 (summary)", 0xF98, f => f[0xF98] = 2 },
        { "NumberOfRuns is 44; the header has room for at most 43", 0x88, f => f[0x88] = 44 },
        { "RequiredDumpSpace 0xFFFFFFFFFFFFFFFF is past the end", 0xFA0, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0xFA0), ulong.MaxValue) },
        { "RequiredDumpSpace 0x8000000000000000 is past the end", 0xFA0, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0xFA0), 1UL << 63) },
        { "NumberOfRuns is 4294967295", 0x88, f => BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(0x88), uint.MaxValue) },
        { "NumberOfPages is 0x3F9F", 0x90, f => f[0x90]++ },
        { "before the end of run 0", 0xA8, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0xA8), 0x50) },
        { "past the 52-bit physical address space", 0x98, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0xA0), ulong.MaxValue) },
        { "RequiredDumpSpace", 0xFA0, f => BinaryPrimitives.WriteInt64LittleEndian(f.AsSpan(0xFA0), long.MaxValue) },
        { "\"SDMP\" (kernel) or \"FDMP\"", 0x2000, f => f[0x2000] = (byte)'X' },
        { "bitmap header's ValidDump", 0x2004, f => f[0x2004] = (byte)'X' },
        { "The bitmap claims", 0x2030, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2030), ulong.MaxValue) },
        { "The bitmap claims", 0x2030, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2030), 0x10_0000_0000) },
        { "FirstPage 0x", 0x2020, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2020), ulong.MaxValue) },
        { "FirstPage 0x2000", 0x2020, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2020), 0x2000) },
        { "counts 0xFFFFFFFFFFFFFFFF pages", 0x2028, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2028), ulong.MaxValue) },
        { "bits set", 0x2028, f => f[0x2028]-- },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void Hostile_header_fields_are_an_InvalidDumpException_with_the_offset(string reason, int offset, Action<byte[]> corrupt)
    {
        var (file, _) = Write(DumpType.Automatic);
        corrupt(file);
        var act = () => Open(file);
        act.Should().Throw<InvalidDumpException>().Where(e => e.Offset == offset).WithMessage($"*{reason}*");
    }

    [Fact]
    public void A_run_based_dump_whose_pages_do_not_fit_in_the_file_is_invalid()
    {
        var (file, _) = Write(DumpType.Full, TinyMachine);
        var act = () => Open(file.AsSpan(0, file.Length - 0x1000 - 0x100).ToArray());
        act.Should().Throw<InvalidDumpException>().Where(e => e.Offset == 0x90).WithMessage("*NumberOfPages*");
    }

    [Fact]
    public void A_file_shorter_than_the_header_is_invalid()
    {
        var act = () => Open(new byte[0x1FFF]);
        act.Should().Throw<InvalidDumpException>().Where(e => e.Offset == 0).WithMessage("*shorter than the 0x2000-byte DUMP_HEADER64*");
    }

    [Theory]
    [InlineData(DumpType.Automatic)]
    [InlineData(DumpType.Full)]
    public void A_file_cut_at_any_offset_opens_to_what_it_holds_or_is_an_InvalidDumpException(DumpType dumpType)
    {
        var (file, _) = Write(dumpType, TinyMachine);
        for (var length = 0; length < file.Length; length++)
        {
            ReadEverything(file.AsSpan(0, length).ToArray(), length);
        }
    }

    [Theory]
    [InlineData(DumpType.Automatic)]
    [InlineData(DumpType.Full)]
    public void A_flipped_byte_at_any_offset_reads_what_the_file_holds_or_is_an_InvalidDumpException(DumpType dumpType)
    {
        var (file, _) = Write(dumpType, TinyMachine);
        for (var offset = 0; offset < file.Length; offset++)
        {
            file[offset] ^= 0xFF;
            ReadEverything(file, offset);
            file[offset] ^= 0xFF;
        }
    }

    /// <summary>Every reader entry point on <paramref name="file"/>; only <see cref="InvalidDumpException"/> may escape.</summary>
    internal static void ReadEverything(byte[] file, int where)
    {
        try
        {
            using var dump = Open(file);
            var page = new byte[0x1000];
            foreach (var run in dump.EnumerateStoredRuns().Take(64))
            {
                dump.ReadPhysical(run.BasePage << 12, page);
            }

            dump.ReadVirtual(Kva, page);
            foreach (var tag in dump.EnumerateTags().Take(64))
            {
                dump.TryReadTagged(tag.Tag, 0, page, out _, out _);
            }
        }
        catch (InvalidDumpException)
        {
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"At 0x{where:X}: {exception.GetType().Name}: {exception.Message}", exception);
        }
    }

    private static ulong[] PageTableFrames(SimulatedMemoryMap map)
    {
        var frames = new List<(ulong Start, ulong End)>();
        map.AddPageTableFrames(frames);
        return frames.Select(f => f.Start).ToArray();
    }

    /// <summary>A run-based dump of <paramref name="pages"/> pages from frame 0, DTB 0, with the given u64s written into its memory.</summary>
    internal static byte[] HandMadeDump(int pages, params (int Address, ulong Value)[] memory)
    {
        var file = new byte[0x2000 + (pages * 0x1000)];
        "PAGEDU64"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x88), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x90), (ulong)pages);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0xA0), (ulong)pages);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0xF98), 1);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(0xFA0), file.Length);
        foreach (var (address, value) in memory)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2000 + address), value);
        }

        return file;
    }

    /// <summary>A read-only stream over bytes that counts what is read.</summary>
    private sealed class CountingStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position { get => _inner.Position; set => _inner.Position = value; }

        public override int Read(Span<byte> buffer)
        {
            var read = _inner.Read(buffer);
            BytesRead += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
