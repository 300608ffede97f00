using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class MultiPartProtocolTests
{
    private static readonly Guid s_ring = Guid.Parse("0b0b0b0b-1111-2222-3333-444444444444");

    [Fact]
    public void Callback_is_called_again_while_it_sets_ADDITIONAL_DATA_with_its_Context_kept()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Full });
        var ring = new byte[3][] { [1, 1], [2, 2, 2], [3] };
        var seen = new (nint Context, SecondaryDataFlags Flags, DumpType DumpType, uint Code, ulong P4)[3];
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "net.sys", (_, _, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            var part = (int)d.Context;
            seen[part] = (d.Context, d.Flags, d.DumpType, d.BugCheckCode, d.BugCheckParameter4);
            d.Guid = s_ring;
            d.SetOutput(ring[part]);
            d.Context = part + 1;
            d.Flags = part + 1 < ring.Length ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        });
        var sink = new InMemoryDumpSink();
        var outcome = kernel.KeBugCheckEx(0xEF, 1, 2, 3, 4, sink);
        seen.Should().Equal((0, SecondaryDataFlags.None, DumpType.Full, 0xEFu, 4ul), (1, SecondaryDataFlags.None, DumpType.Full, 0xEFu, 4ul), (2, SecondaryDataFlags.None, DumpType.Full, 0xEFu, 4ul));
        sink.Blobs().Select(b => b.Data).Should().BeEquivalentTo(ring, options => options.WithStrictOrdering());
        outcome.Blobs.Select(b => b.IsReadable).Should().Equal(true, false, false);
        outcome.Violations.Should().BeEmpty("parts of one callback may share their tag");
    }

    [Fact]
    public void ADDITIONAL_DATA_without_progress_stops_the_protocol()
    {
        var kernel = new SimulatedKernel();
        var calls = 0;
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "stuck.sys", (_, _, data) =>
        {
            calls++;
            ((SecondaryDumpDataEx)data!).Flags = SecondaryDataFlags.AdditionalData;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        calls.Should().Be(1);
        outcome.Of(ViolationKind.MultiPartNoProgress).Should().ContainSingle();
    }

    [Fact]
    public void A_protocol_that_never_ends_is_cut_at_the_call_budget()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { RepeatCallBudget = 4 });
        var part = new byte[] { 7 };
        var calls = 0;
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "chatty.sys", (_, _, data) =>
        {
            calls++;
            var d = (SecondaryDumpDataEx)data!;
            d.Guid = s_ring;
            d.SetOutput(part);
            d.Flags = SecondaryDataFlags.AdditionalData;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        calls.Should().Be(4);
        outcome.Blobs.Should().HaveCount(4);
        outcome.Of(ViolationKind.RepeatProtocolNeverEnds).Should().ContainSingle();
    }

    [Fact]
    public void Context_starts_at_zero_for_each_callback()
    {
        var kernel = new SimulatedKernel();
        var contexts = new nint[2];
        var calls = 0;
        for (var i = 0; i < 2; i++)
        {
            kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, $"m{i}.sys", (_, _, data) =>
            {
                var d = (SecondaryDumpDataEx)data!;
                contexts[calls++] = d.Context;
                d.Context = 99;
            });
        }

        kernel.KeBugCheckEx(0x1);
        contexts.Should().Equal(0, 0);
    }
}
