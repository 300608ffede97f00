using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class ClassicCallbackTests
{
    [Fact]
    public void Classic_callbacks_run_after_the_dump_in_state_Started_and_end_Finished()
    {
        var kernel = new SimulatedKernel();
        var record = new BugCheckCallbackRecord();
        var buffer = new byte[16];
        var stateDuringCall = BufferDumpState.Empty;
        kernel.Callbacks.RegisterClassic(record, span =>
        {
            stateDuringCall = record.State;
            "bugdump"u8.CopyTo(span);
        }, buffer, "classic.sys");
        kernel.Register(BugCheckCallbackReason.DumpIo, "io.sys", (_, _, _) => { });
        var outcome = kernel.KeBugCheckEx(0x1);
        stateDuringCall.Should().Be(BufferDumpState.Started);
        record.State.Should().Be(BufferDumpState.Finished);
        buffer[..7].Should().Equal("bugdump"u8.ToArray());
        var classicCall = outcome.Invocations.Single(i => i.Phase == BugCheckPhase.Classic);
        classicCall.Sequence.Should().Be(outcome.Invocations.Max(i => i.Sequence), "classic callbacks run last");
        (classicCall.Reason, classicCall.BytesProduced, classicCall.StateAfter).Should().Be((null, 16L, BufferDumpState.Finished));
        (outcome.Records.Single(r => r.Reason is null) with { Address = 0, StateInDump = null }).Should().Be(new RecordOutcome(null, "classic.sys", 0, 1, BufferDumpState.Finished));
        outcome.Blobs.Should().BeEmpty("classic buffers are in no dump");
    }

    [Fact]
    public void A_faulting_classic_callback_ends_Incomplete_and_the_next_still_runs()
    {
        var kernel = new SimulatedKernel();
        var faulting = new BugCheckCallbackRecord();
        var healthy = new BugCheckCallbackRecord();
        var ran = false;
        kernel.Callbacks.RegisterClassic(healthy, _ => ran = true, new byte[1], "ok.sys");
        kernel.Callbacks.RegisterClassic(faulting, _ => throw new InvalidOperationException(), new byte[1], "bad.sys");
        var outcome = kernel.KeBugCheckEx(0x1);
        faulting.State.Should().Be(BufferDumpState.Incomplete);
        healthy.State.Should().Be(BufferDumpState.Finished);
        ran.Should().BeTrue();
        outcome.Of(ViolationKind.CallbackThrew).Should().ContainSingle().Which.Reason.Should().BeNull();
    }

    [Fact]
    public void A_deregistered_classic_callback_does_not_run()
    {
        var kernel = new SimulatedKernel();
        var record = new BugCheckCallbackRecord();
        var ran = false;
        kernel.Callbacks.RegisterClassic(record, _ => ran = true, new byte[1], "gone.sys");
        kernel.Callbacks.DeregisterClassic(record);
        kernel.KeBugCheckEx(0x1).Records.Should().BeEmpty();
        ran.Should().BeFalse();
    }
}
