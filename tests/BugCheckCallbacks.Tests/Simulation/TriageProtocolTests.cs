using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class TriageProtocolTests
{
    private const ulong Kva = 0xFFFF800000200000;

    private static SimulatedKernel Kernel(uint maxVirtMem = 0x100000) =>
        new(new SimulationOptions { DumpType = DumpType.Triage, TriageMaxVirtMemSize = maxVirtMem });

    [Fact]
    public void Callback_gets_the_bug_check_and_its_blocks_are_carved_into_the_dump()
    {
        var kernel = Kernel();
        var array = new TriageDumpDataArray(0x100);
        TriageDumpData? seen = null;
        (TriageDumpDataFlags, uint, uint, ulong, ulong, ulong, ulong) fields = default;
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "triage.sys", (_, _, data) =>
        {
            var d = seen = (TriageDumpData)data!;
            fields = (d.Flags, d.MaxVirtMemSize, d.BugCheckCode, d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4);
            array.Initialize(0x100);
            array.AddBlock(Kva, 0x100);
            array.AddBlock(Kva + 0x1000, 0x20);
            d.DataArray = array;
        });
        var sink = new InMemoryDumpSink();
        var outcome = kernel.KeBugCheckEx(0x139, 3, 4, 5, 6, sink);
        fields.Should().Be((TriageDumpDataFlags.BugCheckActive, 0x100000u, 0x139u, 3ul, 4ul, 5ul, 6ul));
        outcome.TriageBlocks.Should().Equal(new TriageBlockInfo("triage.sys", Kva, 0x100), new TriageBlockInfo("triage.sys", Kva + 0x1000, 0x20));
        BitConverter.ToUInt64(sink.ReadVirtual(Kva, 0x100), 8).Should().Be(Kva + 8, "the triage dump holds the block's page and the page tables that map it");
        BitConverter.ToUInt64(sink.ReadVirtual(Kva + 0x1000, 0x20), 0).Should().Be(Kva + 0x1000);
        outcome.Invocations.Single().BytesProduced.Should().Be(0x120);
        outcome.Violations.Should().BeEmpty();
        seen.Should().NotBeNull();
    }

    [Fact]
    public void A_callback_that_returns_no_array_adds_nothing()
    {
        var kernel = Kernel();
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "none.sys", (_, _, _) => { });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.TriageBlocks.Should().BeEmpty();
        outcome.Violations.Should().BeEmpty();
    }

    [Fact]
    public void Blocks_past_MaxVirtMemSize_are_dropped_and_reported()
    {
        var kernel = Kernel(maxVirtMem: 0x100);
        var array = new TriageDumpDataArray(0x100);
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "greedy.sys", (_, _, data) =>
        {
            array.Initialize(0x100);
            array.AddBlock(Kva, 0xC0);
            array.AddBlock(Kva + 0x1000, 0x80);
            array.AddBlock(Kva + 0x2000, 0x40);
            ((TriageDumpData)data!).DataArray = array;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.TriageBlocks.Select(b => b.Size).Should().Equal(0xC0ul, 0x40ul);
        outcome.Of(ViolationKind.TriageBlocksExceedMaxVirtMemSize).Should().ContainSingle();
    }

    [Fact]
    public void Failed_adds_to_a_full_array_are_reported()
    {
        var kernel = Kernel();
        var array = new TriageDumpDataArray(TriageDumpDataArray.MinimumSize);
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "full.sys", (_, _, data) =>
        {
            array.Initialize(TriageDumpDataArray.MinimumSize);
            array.AddBlock(Kva, 0x10);
            array.AddBlock(Kva + 0x10, 0x10);
            ((TriageDumpData)data!).DataArray = array;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.TriageBlocks.Should().ContainSingle();
        outcome.Of(ViolationKind.TriageArrayOverflow).Should().ContainSingle().Which.Detail.Should().Contain("1 KeAddTriageDumpDataBlock");
    }

    [Fact]
    public void A_block_outside_virtual_memory_is_dropped_and_reported()
    {
        var kernel = Kernel();
        var array = new TriageDumpDataArray(0x60);
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "wild.sys", (_, _, data) =>
        {
            array.Initialize(0x60);
            array.AddBlock(0x1000, 0x10);
            ((TriageDumpData)data!).DataArray = array;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.TriageBlocks.Should().BeEmpty();
        outcome.Of(ViolationKind.RangeOutsideMemoryMap).Should().ContainSingle();
    }
}
