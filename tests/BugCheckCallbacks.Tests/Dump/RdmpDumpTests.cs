using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Tests.Cli;
using FluentAssertions;
using Xunit;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// Dumps the debugger's <c>.dump /k</c>, <c>/ka</c> and <c>/f</c> write (DumpType 8, 9, 10: RDMP), built by hand from the
/// documented layout (KERNEL-DUMP.md §7, kdmp-parser's RDMP_HEADER64) — the writer does not write them.
/// </summary>
public sealed class RdmpDumpTests
{
    internal static readonly Guid Tag = Guid.Parse("5707e5a1-0000-4000-8000-0000000000dd");
    private const ulong Kva = 0xFFFF800000000000;

    [Theory]
    [InlineData(8u)]
    [InlineData(9u)]
    [InlineData(10u)]
    public void A_debugger_written_dump_reads_its_pages_by_physical_and_virtual_address_and_its_tags(uint dumpType)
    {
        using var dump = DumpFile.Open(new MemoryStream(Build(dumpType)));
        dump.Layout.Should().Be(DumpBodyLayout.Ranges);
        dump.StoredPageCount.Should().Be(5);
        dump.EnumerateStoredRuns().Should().Equal(new PhysicalMemoryRun(0x10, 2), new PhysicalMemoryRun(0x20, 3));
        dump.ContainsPage(0x12).Should().BeFalse();
        dump.ContainsPage(0x22).Should().BeTrue();
        var page = new byte[16];
        dump.ReadVirtual(Kva, page).Should().Be(16);
        page.Should().Equal("rdmp page 0x22\0\0"u8.ToArray());
        dump.ReadPhysical(0x20000, page).Should().Be(16);
        BinaryPrimitives.ReadUInt64LittleEndian(page).Should().Be((0x21UL << 12) | 0x63, "PFN 0x20, the page directory, is the third page in the file: the pages follow in range order");
        dump.EnumerateTags().Should().ContainSingle().Which.Tag.Should().Be(Tag);
        var data = new byte[8];
        dump.ReadTagged(Tag, data, out var size).Should().Be(8);
        (size, data.SequenceEqual("rdmpblob"u8.ToArray())).Should().Be((8u, true));
    }

    [Fact]
    public void Ranges_out_of_order_are_found_by_frame_and_read_from_their_place_in_the_file()
    {
        using var dump = DumpFile.Open(new MemoryStream(Build(8, reversed: true)));
        dump.EnumerateStoredRuns().Should().Equal(new PhysicalMemoryRun(0x10, 2), new PhysicalMemoryRun(0x20, 3));
        var page = new byte[16];
        dump.ReadVirtual(Kva, page).Should().Be(16);
        page.Should().Equal("rdmp page 0x22\0\0"u8.ToArray());
    }

    public static TheoryData<string, int, Action<byte[]>> Hostile() => new()
    {
        { "marker", 0x2000, f => f[0x2000] = 0x41 },
        { "signature", 0x2000, f => "RDMQ"u8.CopyTo(f.AsSpan(0x2004)) },
        { "MetadataSize not a multiple of 16", 0x2010, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2010), 0x38) },
        { "FirstPageOffset that disagrees", 0x2010, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2018), 0x3000) },
        { "MetadataSize that wraps", 0x2010, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2010), 0xFFFFFFFFFFFFFFF0) },
        { "a range past the file", 0x2040, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2048), 0x1000) },
        { "a range that wraps", 0x2040, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2048), ulong.MaxValue) },
        { "a range past 2^52", 0x2030, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2030), 1UL << 40) },
        { "ranges that overlap", 0x2040, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(0x2040), 0x11) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_lying_RDMP_header_or_range_is_InvalidDumpException_with_its_offset(string lie, int offset, Action<byte[]> corrupt)
    {
        var file = Build(8);
        corrupt(file);
        var act = () => DumpFile.Open(new MemoryStream(file));
        act.Should().Throw<InvalidDumpException>(lie).Where(e => e.Offset == offset);
    }

    [Fact]
    public void A_complete_dump_stops_at_TotalNumberOfPages_and_refuses_a_range_past_it()
    {
        var file = Build(10);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2028), 2);
        using (var dump = DumpFile.Open(new MemoryStream(file)))
        {
            dump.StoredPageCount.Should().Be(2, "type 10 ends when TotalNumberOfPages are counted");
        }

        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2028), 3);
        var act = () => DumpFile.Open(new MemoryStream(file));
        act.Should().Throw<InvalidDumpException>().Where(e => e.Offset == 0x2040);
    }

    [Theory]
    [InlineData(8u)]
    [InlineData(10u)]
    public void With_any_byte_flipped_an_RDMP_dump_reads_what_it_holds_or_throws_InvalidDumpException(uint dumpType)
    {
        var file = Build(dumpType);
        for (var offset = 0; offset < file.Length; offset++)
        {
            file[offset] ^= 0xFF;
            DumpFileTests.ReadEverything(file, offset);
            file[offset] ^= 0xFF;
        }
    }

    [Fact]
    public void Truncated_at_every_offset_an_RDMP_dump_reads_or_throws_InvalidDumpException()
    {
        var file = Build(9);
        for (var length = 0; length < file.Length; length++)
        {
            try
            {
                using var dump = DumpFile.Open(new MemoryStream(file, 0, length));
                dump.ReadVirtual(Kva, new byte[16]);
                _ = dump.EnumerateTags().Count();
                new KernelWalker(dump).ReadCallbackLists();
            }
            catch (InvalidDumpException)
            {
            }
        }
    }

    [Theory]
    [InlineData(2u, "DumpType 2 (summary) is not read")]
    [InlineData(7u, "DumpType 7 (automatic) is not read")]
    [InlineData(11u, "DumpType 11 (not a dump type) is not read: only 1 (full), 4 (small memory dump), 5 (bitmap), 6 (live kernel bitmap) and 8, 9, 10")]
    public void Any_other_dump_type_is_named_with_what_is_read(uint dumpType, string message)
    {
        var file = Build(8);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0xF98), dumpType);
        var act = () => DumpFile.Open(new MemoryStream(file));
        act.Should().Throw<InvalidDumpException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void A_user_mode_minidump_is_named_as_one()
    {
        var file = new byte[0x3000];
        "MDMP"u8.CopyTo(file);
        var act = () => DumpFile.Open(new MemoryStream(file));
        act.Should().Throw<InvalidDumpException>().WithMessage("*\"MDMP\": a user-mode minidump, not a kernel dump*");
    }

    [Theory]
    [InlineData("show")]
    [InlineData("enumtag")]
    [InlineData("db")]
    [InlineData("extract")]
    public void The_CLI_reads_a_debugger_written_dump(string command)
    {
        var path = CliRunner.TempPath(".dmp");
        File.WriteAllBytes(path, Build(8));
        try
        {
            var args = command switch
            {
                "db" => new[] { "db", path, "0xFFFF800000000000", "--length", "0x10" },
                "extract" => ["extract", path, "--tag", Tag.ToString(), "--out", path + ".bin"],
                _ => [command, path],
            };
            var result = CliRunner.Run(args);
            result.Exit.Should().Be(0, result.Error);
            var expected = command switch
            {
                "show" => "8 (Ranges: kernel memory, RDMP, the debugger's .dump /k)",
                "enumtag" => Tag.ToString().ToUpperInvariant(),
                "db" => "rdmp page 0x22",
                _ => "8 bytes of {" + Tag + "} (block 1) written to",
            };
            (result.Out + result.Error).Should().Contain(expected);
            if (command == "extract")
            {
                File.ReadAllBytes(path + ".bin").Should().Equal("rdmpblob"u8.ToArray());
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".bin");
        }
    }

    /// <summary>
    /// Frames 0x10–0x11 and 0x20–0x22 in two ranges (or the two ranges the other way round): the PML4 at 0x10, PDPT 0x11,
    /// PD 0x20, PT 0x21 mapping 0xFFFF800000000000 to 0x22; every page starts "rdmp page 0xNN"; one blob after the pages.
    /// </summary>
    [Theory]
    [InlineData(8u)]
    [InlineData(9u)]
    [InlineData(10u)]
    public void PAGE_in_the_RDMP_headers_unused_fields_is_absent_not_a_count(uint dumpType)
    {
        var file = Build(dumpType);
        for (var at = 0x2020; at < 0x2030; at += 4)
        {
            "PAGE"u8.CopyTo(file.AsSpan(at)); // the two unknown u64 of types 8 and 9; NumberOfRanges and TotalNumberOfPages of type 10
        }

        using var dump = DumpFile.Open(new MemoryStream(file));

        dump.StoredPageCount.Should().Be(5, "the ranges' terminator ends the list; no TotalNumberOfPages of 0x4547415045474150");
        dump.ReadTagged(Tag).Should().Equal("rdmpblob"u8.ToArray());
    }

    internal static byte[] Build(uint dumpType, bool reversed = false)
    {
        (ulong Pfn, ulong Count)[] ranges = reversed ? [(0x20, 3), (0x10, 2)] : [(0x10, 2), (0x20, 3)];
        var metadataSize = 0x10 + ((ranges.Length + 1) * 16); // the two u64 at 0x2020, the ranges, the terminator
        var firstPage = 0x2020 + metadataSize;
        var region = new byte[DumpBlob.FileHeaderSize + DumpBlob.BlobHeaderSize + 8];
        DumpBlob.WriteFileHeader(region, 26100);
        DumpBlob.WriteBlobHeader(region.AsSpan(DumpBlob.FileHeaderSize), Tag, 8);
        "rdmpblob"u8.CopyTo(region.AsSpan(DumpBlob.FileHeaderSize + DumpBlob.BlobHeaderSize));
        var file = new byte[firstPage + (5 * 0x1000) + region.Length];
        var header = DumpFileTests.HandMadeDump(0x40);
        header.AsSpan(0, 0x2000).CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0xF98), dumpType);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(0xFA0), file.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x10), 0x10000); // DirectoryTableBase
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x2000), 0x40);
        "RDMP"u8.CopyTo(file.AsSpan(0x2004));
        "DUMP"u8.CopyTo(file.AsSpan(0x2008));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2010), (ulong)metadataSize);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2018), (ulong)firstPage);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x2020), (uint)ranges.Length); // type 10: NumberOfRanges
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2028), 5); // type 10: TotalNumberOfPages
        var at = firstPage;
        for (var i = 0; i < ranges.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2030 + (i * 16)), ranges[i].Pfn);
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2038 + (i * 16)), ranges[i].Count);
            for (var p = 0UL; p < ranges[i].Count; p++, at += 0x1000)
            {
                var pfn = ranges[i].Pfn + p;
                var page = file.AsSpan(at, 0x1000);
                System.Text.Encoding.ASCII.GetBytes($"rdmp page 0x{pfn:X2}", page);
                var entry = pfn switch { 0x10 => (256 * 8, 0x11UL), 0x11 => (0, 0x20UL), 0x20 => (0, 0x21UL), 0x21 => (0, 0x22UL), _ => (-1, 0UL) };
                if (entry.Item1 >= 0)
                {
                    page[..16].Clear(); // a table page: entries only
                    BinaryPrimitives.WriteUInt64LittleEndian(page[entry.Item1..], (entry.Item2 << 12) | 0x63);
                }
            }
        }

        region.CopyTo(file.AsSpan(at));
        return file;
    }
}
