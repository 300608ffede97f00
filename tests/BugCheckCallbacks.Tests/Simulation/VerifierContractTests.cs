using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>The verifier rules every reason shares, run once per dispatched reason by the sealed subclasses below.</summary>
public abstract class VerifierContractTests
{
    private static object? s_escape;

    protected abstract BugCheckCallbackReason Reason { get; }

    protected abstract BugCheckPhase FirstPhase { get; }

    protected virtual DumpType DumpType => DumpType.Automatic;

    /// <summary>What a correct callback of this reason does with its data.</summary>
    protected abstract void Behave(ReasonCallbackData? data);

    [Fact]
    public void A_correct_callback_is_not_flagged_and_ends_Finished()
    {
        var (kernel, record) = Setup((_, _, data) => Behave(data));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Violations.Should().BeEmpty();
        record.State.Should().Be(BufferDumpState.Finished);
        outcome.Invocations.Should().Contain(i => i.Reason == Reason && i.Phase == FirstPhase);
    }

    [Fact]
    public void A_throwing_callback_is_contained_reported_and_ends_Incomplete()
    {
        var (kernel, record) = Setup((_, _, _) => throw new InvalidOperationException("driver bug"));
        var witnessRan = false;
        kernel.Callbacks.RegisterClassic(new BugCheckCallbackRecord(), _ => witnessRan = true, new byte[1], "witness.sys");
        var outcome = kernel.KeBugCheckEx(0x1);
        var violation = outcome.Of(ViolationKind.CallbackThrew).Should().ContainSingle().Subject;
        (violation.Reason, violation.Phase, violation.Component, violation.RecordIndex, violation.CallNumber).Should().Be((Reason, FirstPhase, "subject.sys", 0, 1));
        violation.Detail.Should().Contain("System.InvalidOperationException: driver bug");
        violation.Code.Should().Be("BCV0001");
        record.State.Should().Be(BufferDumpState.Incomplete);
        witnessRan.Should().BeTrue("the crash goes on to the classic callbacks");
    }

    [Fact]
    public void An_allocating_callback_is_flagged()
    {
        // A runtime suspension inside the call (another test's collection) makes the verdict inconclusive instead; never
        // silent. Three bug checks are not all interrupted in practice.
        Violation? violation = null;
        for (var attempt = 0; attempt < 3 && violation is null; attempt++)
        {
            var (kernel, _) = Setup((_, _, data) =>
            {
                s_escape = new byte[100];
                Behave(data);
            });
            var outcome = kernel.KeBugCheckEx(0x1);
            violation = outcome.Of(ViolationKind.AllocatedMemory).FirstOrDefault();
            (violation is not null || outcome.Inconclusive.Any(v => v.Kind == ViolationKind.AllocatedMemory)).Should().BeTrue("an allocation is never silent");
        }

        violation.Should().NotBeNull();
        violation!.Reason.Should().Be(Reason);
        violation.Detail.Should().MatchRegex("allocated [0-9]+ bytes");
        s_escape.Should().NotBeNull();
    }

    [Fact]
    public void Allocation_detection_can_be_turned_off()
    {
        var (kernel, _) = Setup((_, _, data) =>
        {
            s_escape = new byte[100];
            Behave(data);
        }, new SimulationOptions { DumpType = DumpType, DetectAllocations = false });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Violations.Should().BeEmpty();
        outcome.Invocations.Should().OnlyContain(i => i.AllocatedBytes == 0);
    }

    [Fact]
    public void A_slow_callback_is_flagged()
    {
        var clock = new ManualClock();
        var (kernel, _) = Setup((_, _, data) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(30)); // the call "takes" 30 ms on the kernel's clock: no sleep
            Behave(data);
        }, new SimulationOptions { DumpType = DumpType, CallTimeBudget = TimeSpan.FromMilliseconds(5), TimeProvider = clock });
        var violation = kernel.KeBugCheckEx(0x1).Of(ViolationKind.TimeBudgetExceeded).Should().NotBeEmpty().And.Subject.First();
        violation.Reason.Should().Be(Reason);
        violation.Detail.Should().Be("The call took 30.0 ms; the budget is 5.0 ms.");
    }

    [Fact]
    public void A_nested_bug_check_is_contained_and_its_stop_code_is_shown()
    {
        SimulatedKernel kernel = null!;
        (kernel, var record) = Setup((_, _, _) => kernel.KeBugCheckEx(0xDEAD, 1, 2, 3, 0xFFFF));
        var outcome = kernel.KeBugCheckEx(0x1, 0x10, 0x20, 0x30, 0x40);
        outcome.DisplayedStopCode.Should().Be(0xDEAD);
        outcome.BugCheckCode.Should().Be(0x1);
        outcome.Of(ViolationKind.NestedBugCheck).Should().ContainSingle().Which.Detail.Should().Be("KeBugCheckEx(0x0000DEAD, 0x1, 0x2, 0x3, 0xFFFF) was called from inside the callback.", "the nested call's own parameters");
        outcome.ToText().Should().StartWith("*** STOP 0x00000001 (0x10, 0x20, 0x30, 0x40)", "the STOP line is the first crash's code with its own parameters")
            .And.Contain("nested bug check from").And.Contain("KeBugCheckEx(0x0000DEAD, 0x1, 0x2, 0x3, 0xFFFF)");
        outcome.Of(ViolationKind.CallbackThrew).Should().BeEmpty();
        record.State.Should().Be(BufferDumpState.Incomplete);
        kernel.HasBugChecked.Should().BeTrue();
    }

    [Fact]
    public void A_callback_may_deregister_itself_during_the_crash()
    {
        SimulatedKernel kernel = null!;
        (kernel, var record) = Setup((_, rec, data) =>
        {
            Behave(data);
            kernel.Callbacks.Deregister(rec);
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        record.State.Should().Be(BufferDumpState.Empty);
        outcome.Violations.Should().BeEmpty("deregistering allocates nothing the callback is charged for");
    }

    [Fact]
    public void A_record_whose_checksum_was_corrupted_is_skipped()
    {
        var called = false;
        var (kernel, record) = Setup((_, _, _) => called = true);
        record.CorruptChecksum();
        kernel.KeBugCheckEx(0x1);
        called.Should().BeFalse();
        record.State.Should().Be(BufferDumpState.Inserted);
    }

    private (SimulatedKernel Kernel, BugCheckReasonCallbackRecord Record) Setup(BugCheckReasonCallback callback, SimulationOptions? options = null)
    {
        var kernel = new SimulatedKernel(options ?? new SimulationOptions { DumpType = DumpType });
        return (kernel, kernel.Register(Reason, "subject.sys", callback));
    }
}

public sealed class Reserved1VerifierTests : VerifierContractTests
{
    protected override BugCheckCallbackReason Reason => BugCheckCallbackReason.Reserved1;

    protected override BugCheckPhase FirstPhase => BugCheckPhase.Entry;

    protected override void Behave(ReasonCallbackData? data)
    {
        if (data is not null)
        {
            throw new InvalidOperationException("Reserved1 callbacks get no data.");
        }
    }
}

public sealed class TriageDumpDataVerifierTests : VerifierContractTests
{
    private readonly TriageDumpDataArray _array = new(0x100);

    protected override BugCheckCallbackReason Reason => BugCheckCallbackReason.TriageDumpData;

    protected override BugCheckPhase FirstPhase => BugCheckPhase.TriageDumpData;

    protected override DumpType DumpType => DumpType.Triage;

    protected override void Behave(ReasonCallbackData? data)
    {
        _array.Initialize(0x100);
        _array.AddBlock(0xFFFF800000300000, 0x80);
        ((TriageDumpData)data!).DataArray = _array;
    }
}

public sealed class AddPagesVerifierTests : VerifierContractTests
{
    protected override BugCheckCallbackReason Reason => BugCheckCallbackReason.AddPages;

    protected override BugCheckPhase FirstPhase => BugCheckPhase.AddPages;

    protected override void Behave(ReasonCallbackData? data)
    {
        var d = (AddPagesData)data!;
        d.Flags = PageRangeFlags.PhysicalAddress;
        d.Address = 0x7000;
        d.Count = 1;
    }
}

public sealed class RemovePagesVerifierTests : VerifierContractTests
{
    protected override BugCheckCallbackReason Reason => BugCheckCallbackReason.RemovePages;

    protected override BugCheckPhase FirstPhase => BugCheckPhase.RemovePages;

    protected override DumpType DumpType => DumpType.Full;

    protected override void Behave(ReasonCallbackData? data)
    {
        var d = (RemovePagesData)data!;
        d.Flags = PageRangeFlags.VirtualAddress;
        d.Address = 0xFFFF800000000000;
        d.Count = 2;
    }
}

public sealed class DumpIoVerifierTests : VerifierContractTests
{
    protected override BugCheckCallbackReason Reason => BugCheckCallbackReason.DumpIo;

    protected override BugCheckPhase FirstPhase => BugCheckPhase.DumpHeader;

    protected override void Behave(ReasonCallbackData? data)
    {
        if (((DumpIoData)data!).Type == DumpIoType.Invalid)
        {
            throw new InvalidOperationException("The kernel never writes KbDumpIoInvalid.");
        }
    }
}

public sealed class SecondaryDumpDataVerifierTests : VerifierContractTests
{
    private static readonly Guid s_tag = Guid.Parse("5ec0da7a-0000-0000-0000-000000000001");
    private readonly byte[] _resident = new byte[64];

    protected override BugCheckCallbackReason Reason => BugCheckCallbackReason.SecondaryDumpData;

    protected override BugCheckPhase FirstPhase => BugCheckPhase.SecondaryDataSizing; // the sizing pass, before the header

    protected override void Behave(ReasonCallbackData? data)
    {
        var d = (SecondaryDumpData)data!;
        if (d.IsSizeQuery)
        {
            d.OutBufferLength = (uint)_resident.Length;
            return;
        }

        d.Guid = s_tag;
        d.SetOutput(_resident);
    }
}

public sealed class SecondaryMultiPartVerifierTests : VerifierContractTests
{
    private static readonly Guid s_tag = Guid.Parse("5ec0da7a-0000-0000-0000-000000000002");
    private readonly byte[] _part = new byte[16];

    protected override BugCheckCallbackReason Reason => BugCheckCallbackReason.SecondaryMultiPartDumpData;

    protected override BugCheckPhase FirstPhase => BugCheckPhase.SecondaryMultiPartData;

    protected override void Behave(ReasonCallbackData? data)
    {
        var d = (SecondaryDumpDataEx)data!;
        d.Guid = s_tag;
        d.SetOutput(_part);
        d.Flags = d.Context == 0 ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        d.Context = 1;
    }
}
