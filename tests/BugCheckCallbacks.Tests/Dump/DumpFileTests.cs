using BugCheckCallbacks.Cli.Commands;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

public sealed class DumpFileTests
{
    private static readonly Guid s_storageTag = Guid.Parse("5a5a5a5a-1000-4000-8000-000000000001");

    internal static (byte[] File, BugCheckOutcome Outcome, byte[] StorageLog) WriteScenario()
    {
        var (kernel, storageLog, _, _) = EndToEndTests.BuildScenario();
        var stream = new MemoryStream();
        BugCheckOutcome outcome;
        using (var writer = new DumpFileWriter(stream, leaveOpen: true, buildNumber: 22631))
        {
            outcome = kernel.KeBugCheckEx(0xD1, 0xFFFFD00012345678, 2, 0, 0xFFFFF80012345678, writer);
            writer.IsCompleted.Should().BeTrue();
            writer.BytesWritten.Should().Be(stream.Length);
        }

        return (stream.ToArray(), outcome, storageLog);
    }

    [Fact]
    public void Round_trip_gives_back_the_header_blobs_ranges_triage_and_report()
    {
        var (bytes, outcome, storageLog) = WriteScenario();
        using var dump = DumpFile.Open(new MemoryStream(bytes));

        dump.Header.Should().Be(new DumpFileHeader(1, 0xD1, 0xD1, 0xFFFFD00012345678, 2, 0, 0xFFFFF80012345678, DumpType.Automatic, 4096, bytes.Length));
        dump.Sections.Select(s => s.Kind).Should().Equal(DumpSectionKind.Body, DumpSectionKind.Triage, DumpSectionKind.SecondaryData, DumpSectionKind.Report);

        dump.EnumerateTags().Select(t => (t.Tag, t.Size, t.Component)).Should().Equal(outcome.Blobs.Select(b => (b.Tag, b.Size, (string?)b.Component)));
        var buffer = new byte[storageLog.Length + 10];
        dump.ReadTagged(s_storageTag, buffer, out var total).Should().Be(storageLog.Length);
        total.Should().Be((uint)storageLog.Length);
        buffer[..storageLog.Length].Should().Equal(storageLog);
        dump.TryReadTagged(s_storageTag, 10, buffer.AsSpan(0, 5), out var read, out _).Should().BeTrue();
        (read, buffer[0]).Should().Be((5, storageLog[10]));
        using (var tagStream = dump.OpenTag(s_storageTag))
        {
            tagStream.Length.Should().Be(storageLog.Length);
        }

        dump.EnumerateBodyRanges().Select(r => r.Range).Should().Equal(outcome.BodyRanges);
        var firstRange = dump.EnumerateBodyRanges().First();
        using (var pages = dump.OpenBodyRange(firstRange))
        {
            var page = new byte[16];
            pages.ReadExactly(page);
            BitConverter.ToUInt64(page, 8).Should().Be(firstRange.Range.Address + 8, "the page holds the simulated memory's address pattern");
        }

        var triage = dump.EnumerateTriageBlocks().Should().ContainSingle().Subject;
        triage.Block.Should().Be(outcome.TriageBlocks.Single());
        using (var block = dump.OpenTriageBlock(triage))
        {
            block.Length.Should().Be(0x200);
        }

        dump.ReadOutcome().Should().BeEquivalentTo(outcome);
        var reported = new List<long>();
        dump.VerifyChecksums(new ProgressReporter(reported.Add));
        reported.Should().BeInAscendingOrder().And.HaveCountGreaterThan(3);
        reported[^1].Should().Be(dump.Sections.Sum(s => s.Length), "every byte of every section is checked");
        using var blobs = dump.OpenSecondaryData();
        blobs.BuildNumber.Should().Be(22631);
    }

    [Fact]
    public void The_secondary_data_section_is_a_bare_DumpBlob_region()
    {
        var (bytes, outcome, _) = WriteScenario();
        using var dump = DumpFile.Open(new MemoryStream(bytes));
        var section = dump.GetSection(DumpSectionKind.SecondaryData);
        var region = bytes.AsSpan((int)section.Offset, (int)section.Length).ToArray();
        region.AsSpan(0, 8).ToArray().Should().Equal("DumpBlob"u8.ToArray());
        using var reader = DumpBlobReader.Open(new MemoryStream(region));
        reader.EnumerateTags().Select(t => (t.Tag, t.Size)).Should().Equal(outcome.Blobs.Select(b => (b.Tag, b.Size)));
        reader.EnumerateTags().Should().OnlyContain(t => t.Component == null, "a bare region has no report to name the owners");
    }

    [Fact]
    public void A_dump_with_nothing_in_it_still_has_every_section()
    {
        var stream = new MemoryStream();
        using (var writer = new DumpFileWriter(stream, leaveOpen: true))
        {
            new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Triage }).KeBugCheckEx(0x1, sink: writer);
        }

        using var dump = DumpFile.Open(stream);
        dump.Sections.Should().HaveCount(4);
        dump.EnumerateTags().Should().BeEmpty();
        dump.EnumerateBodyRanges().Should().BeEmpty();
        dump.EnumerateTriageBlocks().Should().BeEmpty();
        dump.GetSection(DumpSectionKind.SecondaryData).Length.Should().Be(16, "an empty region is just its DumpBlob header");
        var undefined = () => dump.GetSection((DumpSectionKind)5);
        undefined.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("kind");
        dump.ReadOutcome().DumpType.Should().Be(DumpType.Triage);
    }

    [Fact]
    public void A_file_cut_at_any_offset_is_an_InvalidDumpException()
    {
        var (bytes, _, _) = WriteScenarioSmall();
        for (var length = 0; length < bytes.Length; length++)
        {
            var act = () => DumpFile.Open(new MemoryStream(bytes, 0, length));
            act.Should().Throw<InvalidDumpException>($"a file cut to {length} of {bytes.Length} bytes is incomplete");
        }
    }

    [Fact]
    public void Any_single_corrupted_byte_is_found_by_a_full_read()
    {
        var (bytes, _, _) = WriteScenarioSmall();
        for (var offset = 0; offset < bytes.Length; offset++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[offset] ^= 0x5A;
            var act = () => ReadEverything(corrupt);
            act.Should().Throw<InvalidDumpException>($"byte 0x{offset:X} is covered by a checksum");
        }
    }

    [Fact]
    public void An_incomplete_dump_is_rejected()
    {
        var stream = new MemoryStream();
        using (var writer = new DumpFileWriter(stream, leaveOpen: true))
        {
            writer.WriteHeader(new DumpHeaderInfo(1, 0, 0, 0, 0, DumpType.Full, 4096));
            writer.WriteSecondaryBlob(s_storageTag, "a.sys", [1, 2, 3]);
        }

        var act = () => DumpFile.Open(new MemoryStream(stream.ToArray()));
        act.Should().Throw<InvalidDumpException>().WithMessage("*magic*").Which.Offset.Should().Be(0);
    }

    [Fact]
    public void Writer_enforces_its_protocol()
    {
        var writer = new DumpFileWriter(new MemoryStream());
        var early = () => writer.WriteSecondaryBlob(s_storageTag, "a.sys", [1]);
        early.Should().Throw<InvalidOperationException>().WithMessage("*WriteHeader*");
        var earlyComplete = () => writer.Complete(new BugCheckOutcome());
        earlyComplete.Should().Throw<InvalidOperationException>();
        writer.WriteHeader(new DumpHeaderInfo(1, 0, 0, 0, 0, DumpType.Full, 4096));
        var twice = () => writer.WriteHeader(new DumpHeaderInfo(1, 0, 0, 0, 0, DumpType.Full, 4096));
        twice.Should().Throw<InvalidOperationException>();
        writer.WriteSecondaryBlob(s_storageTag, "a.sys", [1]);
        var backwards = () => writer.WriteBodyRange(new PageRange(AddressSpace.Physical, 0, 1), new byte[4096]);
        backwards.Should().Throw<InvalidOperationException>().WithMessage("*order*");
        var longName = () => writer.WriteTriageBlock(new TriageBlockInfo(new string('x', 2000), 0, 1), [1]);
        longName.Should().Throw<InvalidOperationException>();
        writer.Complete(new BugCheckOutcome());
        var after = () => writer.WriteSecondaryBlob(s_storageTag, "a.sys", [1]);
        after.Should().Throw<InvalidOperationException>().WithMessage("*complete*");
        writer.Dispose();
        var disposed = () => writer.WriteHeader(new DumpHeaderInfo(1, 0, 0, 0, 0, DumpType.Full, 4096));
        disposed.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Writer_rejects_a_triage_owner_name_too_long_to_store()
    {
        var writer = new DumpFileWriter(new MemoryStream());
        writer.WriteHeader(new DumpHeaderInfo(1, 0, 0, 0, 0, DumpType.Triage, 4096));
        var act = () => writer.WriteTriageBlock(new TriageBlockInfo(new string('x', 2000), 0, 1), [1]);
        act.Should().Throw<ArgumentException>().WithParameterName("block");
    }

    [Fact]
    public void Writer_and_reader_check_their_arguments()
    {
        var nullStream = () => new DumpFileWriter(null!);
        nullStream.Should().Throw<ArgumentNullException>().WithParameterName("stream");
        var readOnly = () => new DumpFileWriter(new MemoryStream([], writable: false));
        readOnly.Should().Throw<ArgumentException>().WithParameterName("stream");
        var nullPath = () => DumpFileWriter.Create("");
        nullPath.Should().Throw<ArgumentException>().WithParameterName("path");
        var openNull = () => DumpFile.Open((Stream)null!);
        openNull.Should().Throw<ArgumentNullException>().WithParameterName("stream");
        var openEmptyPath = () => DumpFile.Open("");
        openEmptyPath.Should().Throw<ArgumentException>().WithParameterName("path");
    }

    [Fact]
    public void Files_on_disk_round_trip()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bcdump-{Guid.NewGuid():N}.bcdump");
        try
        {
            var (kernel, storageLog, _, _) = EndToEndTests.BuildScenario();
            using (var writer = DumpFileWriter.Create(path))
            {
                kernel.KeBugCheckEx(0x9F, sink: writer);
            }

            using var dump = DumpFile.Open(path);
            dump.ReadTagged(s_storageTag, new byte[storageLog.Length], out var total).Should().Be(storageLog.Length);
            total.Should().Be((uint)storageLog.Length);
            DumpFile.HasMagic(File.ReadAllBytes(path)).Should().BeTrue();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (byte[] File, BugCheckOutcome Outcome, byte[] Data) WriteScenarioSmall()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic, PageSize = 512 });
        var array = new TriageDumpDataArray(0x40);
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "t.sys", (_, _, data) =>
        {
            array.Initialize(0x40);
            array.AddBlock(0xFFFF800000001000, 24);
            ((TriageDumpData)data!).DataArray = array;
        });
        kernel.Register(BugCheckCallbackReason.AddPages, "a.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x1000, 1)));
        var payload = "small payload"u8.ToArray();
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "s.sys", Callbacks.SecondaryWriter(s_storageTag, payload));
        var stream = new MemoryStream();
        BugCheckOutcome outcome;
        using (var writer = new DumpFileWriter(stream, leaveOpen: true))
        {
            outcome = kernel.KeBugCheckEx(0x1, sink: writer);
        }

        return (stream.ToArray(), outcome, payload);
    }

    private static void ReadEverything(byte[] bytes)
    {
        using var dump = DumpFile.Open(new MemoryStream(bytes));
        dump.VerifyChecksums();
        _ = dump.EnumerateTags().ToList();
        _ = dump.EnumerateBodyRanges().ToList();
        _ = dump.EnumerateTriageBlocks().ToList();
        _ = dump.ReadOutcome();
    }
}
