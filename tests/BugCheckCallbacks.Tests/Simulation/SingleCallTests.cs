using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>One callback called alone, with a structure built as the kernel would hand it over (SimulatedKernel.Invoke).</summary>
public sealed class SingleCallTests
{
    private const ulong KernelVa = 0xFFFF800000000000;

    // Instance fields, made before any call: a static initializer run by the first callback would be an allocation of its own.
    private readonly Guid _tag = Guid.Parse("0b9a38f7-4c65-4d6e-9f0c-3a1d2e4b5c6d");
    private readonly byte[] _log = [.. Enumerable.Range(0, 64).Select(i => (byte)i)];

    [Fact]
    public void ForSizeQuery_hands_over_the_sizing_pass()
    {
        var data = SecondaryDumpData.ForSizeQuery(maximumAllowed: 0x200, inBufferLength: 32);

        (data.IsSizeQuery, data.MaximumAllowed, data.InBufferLength, data.OutBuffer.Length, data.Guid).Should().Be((true, 0x200u, 32u, 0, Guid.Empty));
    }

    [Fact]
    public void ForDataPass_hands_over_the_data_pass_with_OutBuffer_equal_to_InBuffer()
    {
        var data = SecondaryDumpData.ForDataPass(maximumAllowed: 0x200);

        (data.IsSizeQuery, data.MaximumAllowed, data.InBufferLength, data.OutBuffer.Length).Should().Be((false, 0x200u, (uint)SecondaryDumpData.DefaultInBufferLength, SecondaryDumpData.DefaultInBufferLength));
        data.InBuffer.Span.ToArray().Should().OnlyContain(b => b == 0);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(SecondaryDumpData.MaxInBufferLength + 1)]
    public void The_factories_reject_an_InBufferLength_out_of_range(int length)
    {
        var sizing = () => SecondaryDumpData.ForSizeQuery(0, length);
        var data = () => SecondaryDumpData.ForDataPass(0, length);
        var multiPart = () => SecondaryDumpDataEx.ForCall(0, inBufferLength: length);

        sizing.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inBufferLength");
        data.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inBufferLength");
        multiPart.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inBufferLength");
    }

    [Fact]
    public void SecondaryDumpDataEx_ForCall_hands_over_the_context_and_the_bug_check()
    {
        var data = SecondaryDumpDataEx.ForCall(0x100, context: 7, dumpType: DumpType.Full, bugCheckCode: 0xD1, bugCheckParameter1: 1, bugCheckParameter2: 2, bugCheckParameter3: 3, bugCheckParameter4: 4);

        (data.Context, data.Flags, data.DumpType, data.BugCheckCode, data.MaximumAllowed).Should().Be(((nint)7, SecondaryDataFlags.None, DumpType.Full, 0xD1u, 0x100u));
        (data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3, data.BugCheckParameter4).Should().Be((1UL, 2UL, 3UL, 4UL));
        data.IsSizeQuery.Should().BeFalse();
    }

    [Theory]
    [InlineData(DumpType.Invalid)]
    [InlineData(DumpType.Unknown)]
    [InlineData((DumpType)8)]
    public void SecondaryDumpDataEx_ForCall_rejects_a_dump_type_the_kernel_does_not_write(DumpType dumpType)
    {
        var act = () => SecondaryDumpDataEx.ForCall(0, dumpType: dumpType);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dumpType");
    }

    [Fact]
    public void The_page_factories_hand_over_a_zeroed_range_with_the_given_context()
    {
        var add = AddPagesData.ForCall(bugCheckCode: 0xEF, context: 3);
        var remove = RemovePagesData.ForCall(context: 4);

        (add.BugCheckCode, add.Context, add.Flags, add.Address, add.Count).Should().Be((0xEFu, (nint)3, PageRangeFlags.None, 0UL, 0UL));
        (remove.Context, remove.Flags).Should().Be(((nint)4, PageRangeFlags.None));
    }

    [Fact]
    public void DumpIoData_ForWrite_hands_over_the_write()
    {
        var data = DumpIoData.ForWrite(DumpIoType.Body, 0x2000, new byte[16]);

        (data.Type, data.Offset, data.BufferLength, data.Buffer.Length).Should().Be((DumpIoType.Body, 0x2000L, 16u, 16));
    }

    [Theory]
    [InlineData(DumpIoType.Invalid, 0L, 0, "type")]
    [InlineData((DumpIoType)9, 0L, 0, "type")]
    [InlineData(DumpIoType.Body, -2L, 0, "offset")]
    [InlineData(DumpIoType.Complete, 0L, 1, "buffer")]
    public void DumpIoData_ForWrite_rejects_a_write_the_kernel_never_makes(DumpIoType type, long offset, int length, string parameter)
    {
        var act = () => DumpIoData.ForWrite(type, offset, new byte[length]);

        act.Should().Throw<ArgumentException>().WithParameterName(parameter);
    }

    [Fact]
    public void TriageDumpData_ForCall_hands_over_an_active_bug_check_and_rejects_a_size_past_the_kernel_limit()
    {
        var data = TriageDumpData.ForCall(maxVirtMemSize: 0x2000, bugCheckCode: 0x50);
        var tooLarge = () => TriageDumpData.ForCall(TriageDumpDataArray.MaxMemorySize + 1);

        (data.Flags, data.MaxVirtMemSize, data.BugCheckCode, data.DataArray).Should().Be((TriageDumpDataFlags.BugCheckActive, 0x2000u, 0x50u, (TriageDumpDataArray?)null));
        tooLarge.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxVirtMemSize");
    }

    [Fact]
    public void A_data_pass_returns_what_the_callback_set_and_the_blob_the_kernel_accepted()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterSecondaryDumpData(r, (_, d) => { d.Guid = _tag; d.SetOutput(_log); }, "one.sys"));

        var call = kernel.Invoke(record, SecondaryDumpData.ForDataPass(maximumAllowed: 0x100));

        call.Violations.Should().BeEmpty();
        (call.Data.Guid, call.Data.OutBufferLength, call.Faulted, call.AsksToBeCalledAgain).Should().Be((_tag, 64u, false, false));
        call.Blob.Should().NotBeNull();
        (call.Blob!.Tag, call.Blob.Size, call.Blob.Record).Should().Be((_tag, 64u, record));
        (call.Invocation.Pass, call.Invocation.BytesProduced, call.Record).Should().Be((InvocationPass.Data, 64L, record));
    }

    [Fact]
    public void A_sizing_pass_reports_the_size_the_callback_asked_for()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterSecondaryDumpData(r, (_, d) => d.OutBufferLength = d.IsSizeQuery ? 64u : 0u, "one.sys"));

        var call = kernel.Invoke(record, SecondaryDumpData.ForSizeQuery(maximumAllowed: 0x100));

        (call.Invocation.Pass, call.Invocation.BytesProduced, call.Blob).Should().Be((InvocationPass.Sizing, 64L, (SecondaryBlobInfo?)null));
        call.Violations.Should().BeEmpty();
    }

    [Fact]
    public void A_data_pass_past_MaximumAllowed_is_a_violation_and_no_blob()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterSecondaryDumpData(r, (_, d) => { d.Guid = _tag; d.SetOutput(_log); }, "one.sys"));

        var call = kernel.Invoke(record, SecondaryDumpData.ForDataPass(maximumAllowed: 16));

        call.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.OutputExceedsMaximumAllowed);
        call.Violations[0].Record.Should().BeSameAs(record);
        call.Blob.Should().BeNull();
    }

    [Fact]
    public void A_multi_part_call_sees_the_given_context_and_reports_a_request_to_be_called_again()
    {
        nint seen = -1;
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterSecondaryMultiPartDumpData(r, (_, d) =>
        {
            seen = d.Context;
            d.Context++;
            d.Guid = _tag;
            d.SetOutput(_log.AsMemory(0, 8));
            d.Flags = SecondaryDataFlags.AdditionalData;
        }, "parts.sys"));

        var call = kernel.Invoke(record, SecondaryDumpDataEx.ForCall(0x100, context: 5));

        (seen, call.Data.Context, call.AsksToBeCalledAgain, call.Blob?.Size).Should().Be(((nint)5, (nint)6, true, 8u));
        call.Violations.Should().BeEmpty();
    }

    [Fact]
    public void A_multi_part_call_that_asks_again_without_data_is_MultiPartNoProgress()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterSecondaryMultiPartDumpData(r, (_, d) => d.Flags = SecondaryDataFlags.AdditionalData, "parts.sys"));

        var call = kernel.Invoke(record, SecondaryDumpDataEx.ForCall(0x100));

        call.Violations.Select(v => v.Kind).Should().Equal(ViolationKind.MultiPartNoProgress);
        call.AsksToBeCalledAgain.Should().BeFalse();
    }

    [Theory]
    [InlineData(PageRangeFlags.VirtualAddress, KernelVa + 0x1234, 2UL, null)]
    [InlineData(PageRangeFlags.VirtualAddress | PageRangeFlags.PhysicalAddress, KernelVa, 1UL, ViolationKind.InvalidAddressFlags)]
    [InlineData(PageRangeFlags.PhysicalAddress, 0x100000UL, 0UL, ViolationKind.ZeroPageCount)]
    [InlineData(PageRangeFlags.PhysicalAddress, 0x80000000UL, 1UL, ViolationKind.RangeOutsideMemoryMap)]
    public void An_AddPages_call_reports_the_pages_it_adds_or_the_rule_it_broke(PageRangeFlags flags, ulong address, ulong count, ViolationKind? expected)
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterAddPages(r, (_, d) => (d.Flags, d.Address, d.Count) = (flags, address, count), "pages.sys"));

        var call = kernel.Invoke(record, AddPagesData.ForCall(bugCheckCode: 0xEF));

        if (expected is { } kind)
        {
            call.Violations.Select(v => v.Kind).Should().Equal(kind);
            call.PageRanges.Should().BeEmpty();
        }
        else
        {
            call.Violations.Should().BeEmpty();
            call.PageRanges.Should().Equal(new PageRange(AddressSpace.Virtual, KernelVa + 0x1000, 2));
        }
    }

    [Fact]
    public void A_RemovePages_call_reports_the_pages_it_takes_out()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterRemovePages(r, (_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.PhysicalAddress, 0x100000, 3), "pages.sys"));

        var call = kernel.Invoke(record, RemovePagesData.ForCall());

        call.PageRanges.Should().Equal(new PageRange(AddressSpace.Physical, 0x100000, 3));
        call.Invocation.BytesProduced.Should().Be(3 * 4096);
    }

    [Fact]
    public void A_DumpIo_call_sees_the_write_it_was_handed()
    {
        var seen = new List<(DumpIoType, long, int)>();
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterDumpIo(r, (_, d) => seen.Add((d.Type, d.Offset, d.Buffer.Length)), "io.sys"));

        var call = kernel.Invoke(record, DumpIoData.ForWrite(DumpIoType.Header, 0, new byte[0x2000]));

        seen.Should().Equal((DumpIoType.Header, 0L, 0x2000));
        (call.Invocation.Phase, call.Invocation.IoType).Should().Be((BugCheckPhase.DumpHeader, DumpIoType.Header));
    }

    [Fact]
    public void A_triage_call_past_MaxVirtMemSize_is_a_violation_and_keeps_the_blocks_that_fit()
    {
        var array = new TriageDumpDataArray(0x100);
        array.Initialize(0x100);
        array.AddBlock(KernelVa, 0x800);
        array.AddBlock(KernelVa + 0x1000, 0x1000);
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterTriageDumpData(r, (_, d) => d.DataArray = array, "triage.sys"));

        var call = kernel.Invoke(record, TriageDumpData.ForCall(maxVirtMemSize: 0x1000));

        call.Violations.Select(v => v.Kind).Should().Equal(ViolationKind.TriageBlocksExceedMaxVirtMemSize);
        call.TriageBlocks.Select(b => (b.Address, b.Size)).Should().Equal((KernelVa, 0x800UL));
    }

    [Fact]
    public void A_fault_is_contained_reported_and_the_record_is_Inserted_again_afterwards()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterReserved1(r, _ => throw new InvalidOperationException("boom"), "entry.sys"));

        var call = kernel.Invoke(record);

        (call.Faulted, call.StateAfter, record.State).Should().Be((true, BufferDumpState.Incomplete, BufferDumpState.Inserted));
        call.Violations.Should().ContainSingle().Which.Detail.Should().Contain("boom");
    }

    [Fact]
    public void The_kernel_stays_usable_after_a_call_and_its_bug_check_calls_the_record_again()
    {
        var calls = 0;
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterReserved1(r, _ => calls++, "entry.sys"));

        kernel.Invoke(record).Violations.Should().BeEmpty();
        var outcome = kernel.KeBugCheckEx(0xE2);

        (calls, kernel.HasBugChecked, record.State).Should().Be((2, true, BufferDumpState.Finished));
        outcome.Invocations.Should().ContainSingle();
    }

    [Fact]
    public void Current_is_the_calling_kernel_inside_a_callback_and_null_outside()
    {
        SimulatedKernel? inside = null;
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterReserved1(r, _ => inside = SimulatedKernel.Current, "entry.sys"));

        kernel.Invoke(record);

        inside.Should().BeSameAs(kernel);
        SimulatedKernel.Current.Should().BeNull();
    }

    [Fact]
    public void A_KeBugCheckEx_from_the_callback_is_a_nested_bug_check_and_leaves_the_kernel_usable()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterReserved1(r, _ => SimulatedKernel.Current!.KeBugCheckEx(0xDEAD), "entry.sys"));

        var call = kernel.Invoke(record);

        call.Violations.Should().ContainSingle().Which.Kind.Should().Be(ViolationKind.NestedBugCheck);
        kernel.HasBugChecked.Should().BeFalse();
    }

    [Fact]
    public void An_allocating_callback_is_reported()
    {
        var sink = new List<byte[]>();
        CallOutcome? call = null;
        for (var attempt = 0; attempt < 3 && call?.Violations.Count is null or 0; attempt++) // a collection inside the call makes it inconclusive
        {
            var (kernel, record) = Register((k, r) => k.Callbacks.RegisterReserved1(r, _ => sink.Add(new byte[1000]), "entry.sys"));
            call = kernel.Invoke(record);
            (call.Violations.Count + call.Inconclusive.Count).Should().Be(1, "an allocation is never silent");
        }

        call!.Violations.Select(v => v.Kind).Should().Equal(ViolationKind.AllocatedMemory);
    }

    [Fact]
    public void Invoke_rejects_a_record_not_registered_with_this_kernel()
    {
        var kernel = new SimulatedKernel();
        var other = new SimulatedKernel();
        var foreign = new BugCheckReasonCallbackRecord();
        other.Callbacks.RegisterReserved1(foreign, _ => { }, "other.sys");

        var unregistered = () => kernel.Invoke(new BugCheckReasonCallbackRecord());
        var elsewhere = () => kernel.Invoke(foreign);

        unregistered.Should().Throw<ArgumentException>().WithParameterName("record").WithMessage("*Empty*");
        elsewhere.Should().Throw<ArgumentException>().WithParameterName("record").WithMessage("*another kernel*");
    }

    [Fact]
    public void Invoke_rejects_a_structure_of_another_reason()
    {
        var (kernel, record) = Register((k, r) => k.Callbacks.RegisterSecondaryDumpData(r, (_, _) => { }, "one.sys"));

        var act = () => kernel.Invoke(record, AddPagesData.ForCall());

        act.Should().Throw<ArgumentException>().WithParameterName("data").WithMessage("*SecondaryDumpData*AddPagesData*AddPages*");
    }

    [Fact]
    public void Invoke_after_the_bug_check_is_refused()
    {
        // A Header dump calls no AddPages routine, so the record is still Inserted after the bug check.
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Header });
        var record = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.RegisterAddPages(record, (_, _) => { }, "pages.sys");
        kernel.KeBugCheckEx(0xE2);

        var act = () => kernel.Invoke(record, AddPagesData.ForCall());

        record.State.Should().Be(BufferDumpState.Inserted);
        act.Should().Throw<InvalidOperationException>().WithMessage("*already bug-checked*");
    }

    private static (SimulatedKernel Kernel, BugCheckReasonCallbackRecord Record) Register(Func<SimulatedKernel, BugCheckReasonCallbackRecord, bool> register)
    {
        var kernel = new SimulatedKernel();
        var record = new BugCheckReasonCallbackRecord();
        register(kernel, record).Should().BeTrue();
        return (kernel, record);
    }
}
