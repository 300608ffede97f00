using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

[Collection(LargeDumps.Name)]
public sealed class DumpIoProtocolTests
{
    private static readonly Guid s_tag = Guid.Parse("d0d0d0d0-0000-0000-0000-000000000000");

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
    public void Writes_come_as_header_body_secondary_data_the_final_header_then_one_complete()
    {
        var writes = Writes(new SimulationOptions(), withBlob: true, out var outcome);
        var types = writes.Select(w => w.Type).ToArray();
        types[0].Should().Be(DumpIoType.Header);
        types[^3..].Should().Equal(DumpIoType.SecondaryData, DumpIoType.Header, DumpIoType.Complete);
        types[1..^3].Should().OnlyContain(t => t == DumpIoType.Body).And.HaveCount(6, "the bitmap page, then 1,031 pages in pieces of 1 MiB");
        writes[0].Should().Be((DumpIoType.Header, 0L, 0x2000u, 0x2000));
        var body = writes[1..^3];
        body[0].Offset.Should().Be(0x2000, "the body follows the header");
        body.Zip(body.Skip(1)).Should().OnlyContain(p => p.First.Offset + p.First.Length == p.Second.Offset);
        var bodyEnd = body[^1].Offset + body[^1].Length;
        writes[^3].Should().Be((DumpIoType.SecondaryData, bodyEnd, 0x40u, 0x40), "the region header, the blob header and 12 bytes padded to 16");
        writes[^2].Should().Be((DumpIoType.Header, 0L, 0x2000u, 0x2000), "the header again, with the final RequiredDumpSpace");
        writes[^1].Should().Be((DumpIoType.Complete, bodyEnd + 0x40, 0u, 0));
        outcome.Violations.Should().BeEmpty();
        outcome.Invocations.Where(i => i.Reason == BugCheckCallbackReason.DumpIo).Select(i => i.IoType).Should().Equal(writes.Select(w => (DumpIoType?)w.Type));
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

    [Theory]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.Summary)]
    [InlineData(DumpType.Header)]
    [InlineData(DumpType.Triage)]
    [InlineData(DumpType.BitmapFull)]
    [InlineData(DumpType.BitmapKernel)]
    [InlineData(DumpType.Automatic)]
    public void A_DumpIo_callback_that_mirrors_every_write_reproduces_the_file_byte_for_byte(DumpType dumpType)
    {
        // Allocation detection off: a complete dump puts 64 MiB into the in-memory sink, past the 16 MiB no-GC budget.
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType, DetectAllocations = false });
        var mirror = new byte[80 << 20]; // the driver's resident mirror, allocated before the crash
        var mirrored = 0L;
        kernel.Register(BugCheckCallbackReason.DumpIo, "mirror.sys", (_, _, data) =>
        {
            var d = (DumpIoData)data!;
            d.Buffer.Span.CopyTo(mirror.AsSpan((int)d.Offset));
            mirrored = Math.Max(mirrored, d.Offset + d.BufferLength);
        });
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x10000, 3)));
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "sec.sys", Callbacks.SecondaryWriter(s_tag, new byte[4097]));
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0x1, sink: sink).Violations.Should().BeEmpty();
        mirrored.Should().Be(sink.Length);
        mirror.AsSpan(0, (int)mirrored).SequenceEqual(sink.ToArray()).Should().BeTrue();
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
