using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class DumpIoProtocolTests
{
    private static readonly Guid s_tag = Guid.Parse("d0d0d0d0-0000-0000-0000-000000000000");
    private static readonly Guid s_tag2 = Guid.Parse("d0d0d0d0-0000-0000-0000-000000000002");

    private static (DumpIoType Type, long Offset, uint Length, int BufferLength)[] Writes(SimulationOptions options, bool withBlob, out BugCheckOutcome outcome)
    {
        var kernel = new SimulatedKernel(options);
        var writes = new List<(DumpIoType, long, uint, int)>(64);
        kernel.Register(BugCheckCallbackReason.DumpIo, "mirror.sys", (_, _, data) =>
        {
            var d = (DumpIoData)data!;
            writes.Add((d.Type, d.Offset, d.BufferLength, d.Buffer.Length));
        });
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x10000, 2)));
        if (withBlob)
        {
            kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "sec.sys", Callbacks.SecondaryWriter(s_tag, new byte[12]));
        }

        outcome = kernel.KeBugCheckEx(0x1);
        return writes.ToArray();
    }

    [Fact]
    public void Writes_come_as_one_final_header_the_body_the_secondary_data_then_one_complete()
    {
        var writes = Writes(new SimulationOptions(), withBlob: true, out var outcome);
        var types = writes.Select(w => w.Type).ToArray();
        types[0].Should().Be(DumpIoType.Header);
        types[^2..].Should().Equal(DumpIoType.SecondaryData, DumpIoType.Complete);
        types.Count(t => t == DumpIoType.Header).Should().Be(1, "Windows sizes the secondary data first, so the header is written once");
        types[1..^2].Should().OnlyContain(t => t == DumpIoType.Body).And.HaveCount(6, "the bitmap page, then 1,031 pages in pieces of 1 MiB");
        writes[0].Should().Be((DumpIoType.Header, 0L, 0x2000u, 0x2000));
        writes.Zip(writes.Skip(1)).Should().OnlyContain(p => p.First.Offset + p.First.Length == p.Second.Offset, "offsets never go back and leave no gap");
        var bodyEnd = writes[^3].Offset + writes[^3].Length;
        writes[^2].Should().Be((DumpIoType.SecondaryData, bodyEnd, 0x40u, 0x40), "the region header, the blob header and 12 bytes padded to 16");
        writes[^1].Should().Be((DumpIoType.Complete, bodyEnd + 0x40, 0u, 0));
        outcome.Violations.Should().BeEmpty();
        outcome.Invocations.Where(i => i.Reason == BugCheckCallbackReason.DumpIo).Select(i => i.IoType).Should().Equal(writes.Select(w => (DumpIoType?)w.Type));
        outcome.Invocations.Select(i => i.Phase).Should().ContainInOrder(BugCheckPhase.SecondaryDataSizing, BugCheckPhase.DumpHeader, BugCheckPhase.DumpBody, BugCheckPhase.SecondaryData);
    }

    [Fact]
    public void The_header_write_carries_the_DUMP_HEADER64()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Full, MemoryMap = Dump.DumpFileTests.TinyMachine });
        var header = new byte[0x2000];
        kernel.Register(BugCheckCallbackReason.DumpIo, "io.sys", (_, _, data) =>
        {
            var d = (DumpIoData)data!;
            if (d.Type == DumpIoType.Header)
            {
                d.Buffer.Span.CopyTo(header);
            }
        });
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4, sink).Violations.Should().BeEmpty();
        header[..8].Should().Equal("PAGEDU64"u8.ToArray());
        using var dump = sink.Open();
        dump.TryTranslate(Dump.DumpFileTests.Kva, out _).Should().BeTrue("the DTB roots the dump's page tables");
        (BitConverter.ToUInt32(header, 0x38), BitConverter.ToUInt64(header, 0x40), BitConverter.ToUInt64(header, 0x58), BitConverter.ToUInt32(header, 0xF98), BitConverter.ToUInt64(header, 0x10))
            .Should().Be((0xD1u, 1ul, 4ul, 1u, dump.Header.DirectoryTableBase));
    }

    public static TheoryData<DumpType, bool> MirrorCases()
    {
        var cases = new TheoryData<DumpType, bool>();
        foreach (var dumpType in Dump.DumpFileTests.AllDumpTypes())
        {
            cases.Add(dumpType, false);
            cases.Add(dumpType, true);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(MirrorCases))]
    public void A_DumpIo_mirror_that_copies_each_write_to_its_offset_or_appends_it_is_the_file_byte_for_byte_and_sees_one_header(DumpType dumpType, bool sequential)
    {
        // Allocation detection off: a complete dump puts 64 MiB into the in-memory sink, past the 16 MiB no-GC budget.
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType, SequentialDumpIo = sequential, DetectAllocations = false });
        var mirror = new byte[80 << 20]; // the driver's resident mirror, allocated before the crash
        var (appended, end, headers, wentBack) = (0L, 0L, 0, false);
        kernel.Register(BugCheckCallbackReason.DumpIo, "mirror.sys", (_, _, data) =>
        {
            var d = (DumpIoData)data!;
            var at = sequential ? appended : d.Offset;
            wentBack |= sequential ? d.Offset != DumpIoData.SequentialOffset : d.Type != DumpIoType.Complete && d.Offset != appended;
            headers += d.Type == DumpIoType.Header ? 1 : 0;
            d.Buffer.Span.CopyTo(mirror.AsSpan((int)at));
            appended += d.Buffer.Length;
            end = Math.Max(end, at + d.Buffer.Length);
        });
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x10000, 3)));
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "sec.sys", Callbacks.SecondaryWriter(s_tag, new byte[4097]));
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "multi.sys", Callbacks.MultiPartWriter(s_tag2, 3, 100));
        var sink = new InMemoryDumpSink();

        kernel.KeBugCheckEx(0x1, sink: sink).Violations.Should().BeEmpty();

        (headers, wentBack).Should().Be((1, false), "the header is written once, and every write starts where the last ended");
        (appended, end).Should().Be((sink.Length, sink.Length));
        mirror.AsSpan(0, (int)end).SequenceEqual(sink.ToArray()).Should().BeTrue();
        using var dump = sink.Open();
        dump.Header.RequiredDumpSpace.Should().Be(sink.Length, "the header written first already counts the secondary data");
        dump.EnumerateTags().Select(t => t.Size).Should().Equal(4097u, 100u, 100u, 100u);
    }

    [Fact]
    public void No_secondary_data_means_no_SecondaryData_write() =>
        Writes(new SimulationOptions(), withBlob: false, out _).Select(w => w.Type).Should().NotContain(DumpIoType.SecondaryData);

    [Fact]
    public void Sequential_writes_report_offset_minus_one() =>
        Writes(new SimulationOptions { SequentialDumpIo = true }, withBlob: true, out _).Select(w => w.Offset).Should().OnlyContain(o => o == -1);

    [Fact]
    public void A_DumpIo_callback_that_deregisters_itself_is_not_called_again()
    {
        var kernel = new SimulatedKernel();
        var types = new List<DumpIoType>(8);
        var record = kernel.Register(BugCheckCallbackReason.DumpIo, "once.sys", (_, rec, data) =>
        {
            types.Add(((DumpIoData)data!).Type);
            kernel.Callbacks.Deregister(rec).Should().BeTrue();
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        types.Should().Equal(DumpIoType.Header);
        record.State.Should().Be(BufferDumpState.Empty);
        (outcome.Records.Single() with { Address = 0, StateInDump = null }).Should().Be(new RecordOutcome(BugCheckCallbackReason.DumpIo, "once.sys", 0, 1, BufferDumpState.Empty));
    }

    [Fact]
    public void A_DumpIo_callback_stays_Inserted_until_Complete_then_is_Finished()
    {
        var kernel = new SimulatedKernel();
        var states = new List<BufferDumpState>(8);
        var record = kernel.Register(BugCheckCallbackReason.DumpIo, "watch.sys", (_, rec, _) => states.Add(rec.State));
        kernel.KeBugCheckEx(0x1);
        states.Should().OnlyContain(s => s == BufferDumpState.Inserted).And.HaveCount(8, "one header write, the bitmap page and five 1 MiB pieces of pages, then Complete");
        record.State.Should().Be(BufferDumpState.Finished);
    }
}
