using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>Coalesced reads, the bulk page APIs and the memory-mapped mode read exactly what page-by-page reads read.</summary>
public sealed class BulkReadTests
{
    public static TheoryData<DumpType, bool> Layouts() => new()
    {
        { DumpType.Full, false }, { DumpType.BitmapFull, false }, { DumpType.Automatic, false },
        { DumpType.Full, true }, { DumpType.BitmapFull, true }, { DumpType.Automatic, true },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_stored_page_is_visited_once_in_file_order_with_the_bytes_the_independent_reader_reads(DumpType dumpType, bool mapped)
    {
        var (file, _) = DumpFileTests.Write(dumpType);
        var independent = new IndependentDumpReader(file);
        using var dump = Open(file, mapped);
        var frames = new List<ulong>();
        var visited = dump.ForEachStoredPage((frame, page) =>
        {
            frames.Add(frame);
            page.SequenceEqual(independent.Page(frame)).Should().BeTrue($"page 0x{frame:X}");
            return true;
        });

        visited.Should().Be((long)dump.StoredPageCount);
        frames.Should().Equal(independent.StoredPages, "file order is ascending page frame in run-based and bitmap dumps");
        dump.IsMapped.Should().Be(mapped);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void One_long_physical_or_virtual_read_reads_what_page_by_page_reads_read(DumpType dumpType, bool mapped)
    {
        var (file, _) = DumpFileTests.Write(dumpType);
        using var dump = Open(file, mapped);
        var first = dump.EnumerateStoredRuns().First();
        var length = (int)Math.Min(first.PageCount, 300) * 0x1000;
        var whole = new byte[length + 0x800];
        var read = dump.ReadPhysical((first.BasePage << 12) + 0x800, whole);
        read.Should().Be((int)Math.Min(whole.Length, (long)(first.PageCount * 0x1000) - 0x800), "the read stops where the run of stored pages ends");
        var byPage = new byte[0x1000];
        for (var at = 0; at < read; at += 0x1000)
        {
            var n = dump.ReadPhysical((first.BasePage << 12) + 0x800 + (ulong)at, byPage.AsSpan(0, Math.Min(0x1000, read - at)));
            whole.AsSpan(at, n).SequenceEqual(byPage.AsSpan(0, n)).Should().BeTrue($"at +0x{at:X}");
        }

        var kernel = new byte[0x5000];
        var virtualRead = dump.ReadVirtual(DumpFileTests.Kva + 0x123, kernel);
        for (var at = 0; at < virtualRead; at += 0x1000)
        {
            var n = dump.ReadVirtual(DumpFileTests.Kva + 0x123 + (ulong)at, byPage.AsSpan(0, Math.Min(0x1000, virtualRead - at)));
            kernel.AsSpan(at, n).SequenceEqual(byPage.AsSpan(0, n)).Should().BeTrue($"virtual +0x{at:X}");
        }
    }

    [Fact]
    public void Named_pages_are_read_in_file_order_merged_skipping_those_not_stored_and_twice_when_named_twice()
    {
        var (file, _) = DumpFileTests.Write(DumpType.Automatic);
        var independent = new IndependentDumpReader(file);
        using var dump = Open(file, mapped: false);
        var stored = independent.StoredPages.ToArray();
        ulong[] asked = [stored[^1], 0x3FFFFFFF, stored[0], stored[1], stored[0], stored[2]];
        var seen = new List<ulong>();
        var visited = dump.ReadPages(asked, (frame, page) =>
        {
            seen.Add(frame);
            page.SequenceEqual(independent.Page(frame)).Should().BeTrue();
            return true;
        });

        visited.Should().Be(5);
        seen.Should().Equal(stored[0], stored[0], stored[1], stored[2], stored[^1]);
        dump.ReadPages(asked, (_, _) => false).Should().Be(1, "the visitor stopped it");
        dump.ForEachStoredPage((_, _) => false).Should().Be(1);
    }

    [Fact]
    public void The_bulk_entry_points_check_their_arguments_and_a_disposed_reader()
    {
        var (file, _) = DumpFileTests.Write(DumpType.Full, DumpFileTests.TinyMachine);
        var dump = Open(file, mapped: true);
        dump.Invoking(d => d.ForEachStoredPage(null!)).Should().Throw<ArgumentNullException>().WithParameterName("visitor");
        dump.Invoking(d => d.ReadPages([1], null!)).Should().Throw<ArgumentNullException>().WithParameterName("visitor");
        dump.Dispose();
        dump.Invoking(d => d.ForEachStoredPage((_, _) => true)).Should().Throw<ObjectDisposedException>();
        dump.Invoking(d => d.ReadPages([1], (_, _) => true)).Should().Throw<ObjectDisposedException>();
        var empty = () => DumpFile.OpenMapped(string.Empty);
        empty.Should().Throw<ArgumentException>().WithParameterName("path");
    }

    [Fact]
    public void A_mapped_file_too_short_for_a_header_is_the_usual_InvalidDumpException()
    {
        var path = Cli.CliRunner.TempPath(".dmp");
        File.WriteAllBytes(path, new byte[100]);
        try
        {
            var act = () => DumpFile.OpenMapped(path);
            act.Should().Throw<InvalidDumpException>().Where(e => e.Offset == 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Opens <paramref name="file"/> from disk (mapped or with positional reads); the reader owns a copy the test deletes on the next run.</summary>
    private static DumpFile Open(byte[] file, bool mapped)
    {
        var path = Cli.CliRunner.TempPath(".dmp");
        File.WriteAllBytes(path, file);
        var dump = mapped ? DumpFile.OpenMapped(path) : DumpFile.Open(path);
        File.Delete(path); // Linux keeps an open (and mapped) file until it is closed
        return dump;
    }
}
