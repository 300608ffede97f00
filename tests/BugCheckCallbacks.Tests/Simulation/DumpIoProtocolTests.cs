using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

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
    public void Writes_come_as_header_body_secondary_data_then_one_complete()
    {
        var writes = Writes(new SimulationOptions(), withBlob: true, out var outcome);
        writes.Select(w => w.Type).Should().Equal(DumpIoType.Header, DumpIoType.Body, DumpIoType.Body, DumpIoType.SecondaryData, DumpIoType.Complete);
        writes[0].Should().Be((DumpIoType.Header, 0L, 4096u, 4096));
        writes[1].Offset.Should().Be(4096, "the body follows the header page");
        writes[2].Should().Be((DumpIoType.Body, 4096L + writes[1].Length, 8192u, 8192));
        writes[3].Should().Be((DumpIoType.SecondaryData, 4096L + writes[1].Length + 8192 + 0x10 + 0x20, 12u, 12));
        (writes[4].Length, writes[4].BufferLength).Should().Be((0u, 0));
        outcome.Violations.Should().BeEmpty();
        outcome.Invocations.Where(i => i.Reason == BugCheckCallbackReason.DumpIo).Select(i => i.IoType).Should().Equal(writes.Select(w => (DumpIoType?)w.Type));
    }

    [Fact]
    public void The_header_write_carries_the_documented_header_page()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { PageSize = 8192, DumpType = DumpType.Full });
        var page = new byte[56];
        kernel.Register(BugCheckCallbackReason.DumpIo, "io.sys", (_, _, data) =>
        {
            var d = (DumpIoData)data!;
            if (d.Type == DumpIoType.Header)
            {
                d.Buffer.Span[..56].CopyTo(page);
            }
        });
        kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4).Violations.Should().BeEmpty();
        page[..8].Should().Equal("BCSIMHDR"u8.ToArray());
        (BitConverter.ToUInt32(page, 8), BitConverter.ToUInt32(page, 12), BitConverter.ToUInt64(page, 16), BitConverter.ToUInt64(page, 40), BitConverter.ToInt32(page, 48), BitConverter.ToUInt32(page, 52))
            .Should().Be((1u, 0xD1u, 1ul, 4ul, (int)DumpType.Full, 8192u));
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
        outcome.Records.Single().Should().Be(new RecordOutcome(BugCheckCallbackReason.DumpIo, "once.sys", 0, 1, BufferDumpState.Empty));
    }

    [Fact]
    public void A_DumpIo_callback_stays_Inserted_until_Complete_then_is_Finished()
    {
        var kernel = new SimulatedKernel();
        var states = new List<BufferDumpState>(8);
        var record = kernel.Register(BugCheckCallbackReason.DumpIo, "watch.sys", (_, rec, _) => states.Add(rec.State));
        kernel.KeBugCheckEx(0x1);
        states.Should().OnlyContain(s => s == BufferDumpState.Inserted).And.HaveCount(3);
        record.State.Should().Be(BufferDumpState.Finished);
    }
}
