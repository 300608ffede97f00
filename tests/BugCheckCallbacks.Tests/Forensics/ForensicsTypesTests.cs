using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Forensics;

public sealed class ForensicsTypesTests
{
    [Theory]
    [InlineData(0x1000UL, true)]
    [InlineData(0x1FFFUL, true)]
    [InlineData(0x2000UL, false)]
    [InlineData(0xFFFUL, false)]
    public void A_module_contains_its_image_and_nothing_past_it(ulong address, bool contains)
    {
        var module = new LoadedModule(0, 0x1000, 0x1000, 0x1000, "a.sys", @"\a.sys");
        module.End.Should().Be(0x2000);
        module.Contains(address).Should().Be(contains);
    }

    [Theory]
    [InlineData((byte)3, "BufferFinished")]
    [InlineData((byte)0, "BufferEmpty")]
    [InlineData((byte)9, "9")]
    public void A_records_state_is_named_as_wdm_h_names_it(byte state, string name) =>
        new CallbackRecordInfo { State = state }.StateName.Should().Be(name);

    [Fact]
    public void A_routine_is_shown_as_module_plus_offset_or_as_a_bare_address()
    {
        var module = new LoadedModule(0, 0xFFFFF80000400000, 0x2000, 0, "hal.dll", string.Empty);
        new CallbackRecordInfo { Routine = 0xFFFFF80000401010, RoutineModule = module }.RoutineSymbol.Should().Be("hal.dll+0x1010");
        new CallbackRecordInfo { Routine = 0xFFFFA00000000800 }.RoutineSymbol.Should().Be("0xFFFFA00000000800");
    }

    [Fact]
    public void A_context_lists_its_registers_in_the_debuggers_order()
    {
        var context = new ProcessorContext { Rcx = 0xD1, Rip = 0xFFFFF80000002000 };
        context.GeneralRegisters().Select(r => r.Key).Should().Equal("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rip", "rsp", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
        context.GeneralRegisters().Single(r => r.Key == "rip").Value.Should().Be(0xFFFFF80000002000);
        (context.EFlags, context.SegCs, context.SegSs).Should().Be((0x202u, (ushort)0x10, (ushort)0x18));
    }

    [Fact]
    public void A_tampering_names_its_record_and_refuses_null()
    {
        var record = new BugCheckReasonCallbackRecord();
        RecordTampering.Of(record, RecordTamperingKind.Hidden).Should().Be(new RecordTampering { Record = record, Kind = RecordTamperingKind.Hidden });
        var classic = new BugCheckCallbackRecord();
        RecordTampering.Of(classic, RecordTamperingKind.BrokenLink).ClassicRecord.Should().BeSameAs(classic);
        var act = () => RecordTampering.Of((BugCheckReasonCallbackRecord)null!, RecordTamperingKind.Hidden);
        act.Should().Throw<ArgumentNullException>().WithParameterName("record");
        var actClassic = () => RecordTampering.Of((BugCheckCallbackRecord)null!, RecordTamperingKind.Hidden);
        actClassic.Should().Throw<ArgumentNullException>().WithParameterName("record");
    }

    [Fact]
    public void The_outcome_says_where_the_kernel_is_and_a_single_call_lays_out_nothing()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Summary });
        var record = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.Register(record, (_, _, _) => { }, BugCheckCallbackReason.Reserved1, "one.sys");
        var single = kernel.Invoke(record);
        single.Invocation.Should().NotBeNull();
        var outcome = kernel.KeBugCheckEx(0x1, sink: new InMemoryDumpSink());
        outcome.Kernel!.Modules.Select(m => m.Name).Should().Equal("ntoskrnl.exe", "hal.dll", "one.sys");
        outcome.Records.Single().Address.Should().BeGreaterThanOrEqualTo(0xFFFFA00000000000);
        outcome.Records.Single().StateInDump.Should().Be(BufferDumpState.Finished, "Reserved1 runs before the header is written");
        var json = BugCheckOutcome.FromJson(outcome.ToJson());
        json.Kernel.Should().BeEquivalentTo(outcome.Kernel);
        json.Records.Single().Address.Should().Be(outcome.Records.Single().Address);
    }

    [Fact]
    public void Without_a_dump_the_outcome_has_no_kernel_layout()
    {
        var kernel = new SimulatedKernel();
        kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, _) => { }, BugCheckCallbackReason.Reserved1, "one.sys");
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Kernel.Should().BeNull("no sink and no DumpIo callback: nothing is written");
        outcome.Records.Single().StateInDump.Should().BeNull();
    }
}
