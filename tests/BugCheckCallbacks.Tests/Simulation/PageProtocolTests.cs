using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class PageProtocolTests
{
    private const ulong Kva = 0xFFFF800000100000;

    private static SimulatedKernel Kernel(int budget = 1024) =>
        new(new SimulationOptions { DumpType = DumpType.Full, RepeatCallBudget = budget });

    [Theory]
    [InlineData(BugCheckCallbackReason.AddPages)]
    [InlineData(BugCheckCallbackReason.RemovePages)]
    public void Context_is_zero_first_and_kept_while_Flags_are_zeroed_on_every_entry(BugCheckCallbackReason reason)
    {
        var kernel = Kernel();
        var seen = new (nint Context, PageRangeFlags Flags, uint Code)[3];
        var calls = 0;
        kernel.Register(reason, "pages.sys", (_, _, data) =>
        {
            var d = (PageRangeData)data!;
            seen[calls] = (d.Context, d.Flags, d.BugCheckCode);
            d.Context = 0x1000 + calls;
            d.Flags = PageRangeFlags.PhysicalAddress | (calls < 2 ? PageRangeFlags.AdditionalRangesExist : 0);
            d.Address = (ulong)(calls + 1) * 0x1000;
            d.Count = 1;
            calls++;
        });
        var outcome = kernel.KeBugCheckEx(0x9F);
        calls.Should().Be(3);
        seen.Should().Equal((0, PageRangeFlags.None, 0x9Fu), (0x1000, PageRangeFlags.None, 0x9Fu), (0x1001, PageRangeFlags.None, 0x9Fu));
        outcome.Invocations.Where(i => i.Reason == reason).Select(i => i.CallNumber).Should().Equal(1, 2, 3);
        outcome.Violations.Should().BeEmpty();
    }

    [Fact]
    public void AddPages_ranges_minus_RemovePages_ranges_form_the_body()
    {
        var kernel = Kernel();
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.VirtualAddress, (Kva, 4), (Kva + 0x4000, 2)));
        kernel.Register(BugCheckCallbackReason.AddPages, "phys.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x20000, 1)));
        kernel.Register(BugCheckCallbackReason.RemovePages, "remove.sys", Callbacks.PageRanges(PageRangeFlags.VirtualAddress, (Kva + 0x1000, 1)));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.BodyRanges.Should().Equal(
            new PageRange(AddressSpace.Virtual, Kva, 1),
            new PageRange(AddressSpace.Virtual, Kva + 0x2000, 4),
            new PageRange(AddressSpace.Physical, 0x20000, 1));
        outcome.Invocations.Where(i => i.Phase == BugCheckPhase.AddPages).Sum(i => i.BytesProduced).Should().Be(7 * 4096);
        outcome.Violations.Should().BeEmpty();
    }

    [Fact]
    public void An_unaligned_address_adds_the_page_that_holds_it()
    {
        var kernel = Kernel();
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x3123, 1)));
        kernel.KeBugCheckEx(0x1).BodyRanges.Should().Equal(new PageRange(AddressSpace.Physical, 0x3000, 1));
    }

    [Theory]
    [InlineData(PageRangeFlags.None, "neither")]
    [InlineData(PageRangeFlags.VirtualAddress | PageRangeFlags.PhysicalAddress, "both")]
    [InlineData(PageRangeFlags.AdditionalRangesExist, "neither")]
    public void Flags_must_name_exactly_one_address_space(PageRangeFlags flags, string word)
    {
        var kernel = Kernel();
        var calls = 0;
        kernel.Register(BugCheckCallbackReason.AddPages, "bad.sys", (_, _, data) =>
        {
            var d = (PageRangeData)data!;
            d.Flags = calls++ == 0 ? flags : PageRangeFlags.PhysicalAddress;
            d.Address = 0x1000 * (ulong)calls;
            d.Count = 1;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Of(ViolationKind.InvalidAddressFlags).Should().ContainSingle().Which.Detail.Should().Contain(word);
        outcome.BodyRanges.Should().NotContain(r => r.Address == 0x1000);
        calls.Should().Be(flags.HasFlag(PageRangeFlags.AdditionalRangesExist) ? 2 : 1, "ADDITIONAL_RANGES_EXIST still asks for another call");
    }

    [Fact]
    public void A_zero_Count_is_reported_and_ignored()
    {
        var kernel = Kernel();
        kernel.Register(BugCheckCallbackReason.AddPages, "zero.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x1000, 0)));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Of(ViolationKind.ZeroPageCount).Should().ContainSingle().Which.Component.Should().Be("zero.sys");
        outcome.BodyRanges.Should().BeEmpty();
    }

    [Theory]
    [InlineData(PageRangeFlags.PhysicalAddress, 0x400000000ul, 1ul)]
    [InlineData(PageRangeFlags.PhysicalAddress, 0x3FFFFF000ul, 2ul)]
    [InlineData(PageRangeFlags.VirtualAddress, 0x1000ul, 1ul)]
    [InlineData(PageRangeFlags.VirtualAddress, Kva, ulong.MaxValue)]
    public void A_range_outside_the_memory_map_is_reported_and_ignored(PageRangeFlags space, ulong address, ulong count)
    {
        var kernel = Kernel();
        kernel.Register(BugCheckCallbackReason.AddPages, "wild.sys", Callbacks.PageRanges(space, (address, count)));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Of(ViolationKind.RangeOutsideMemoryMap).Should().ContainSingle();
        outcome.BodyRanges.Should().BeEmpty();
    }

    [Theory]
    [InlineData(BugCheckCallbackReason.AddPages)]
    [InlineData(BugCheckCallbackReason.RemovePages)]
    public void A_protocol_that_never_ends_is_cut_at_the_call_budget(BugCheckCallbackReason reason)
    {
        var kernel = Kernel(budget: 5);
        var calls = 0;
        var record = kernel.Register(reason, "forever.sys", (_, _, data) =>
        {
            calls++;
            var d = (PageRangeData)data!;
            d.Flags = PageRangeFlags.PhysicalAddress | PageRangeFlags.AdditionalRangesExist;
            d.Address = 0;
            d.Count = 1;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        calls.Should().Be(5);
        outcome.Of(ViolationKind.RepeatProtocolNeverEnds).Should().ContainSingle().Which.CallNumber.Should().Be(5);
        record.State.Should().Be(BufferDumpState.Finished);
    }

    [Fact]
    public void A_callback_that_throws_is_not_called_again_and_ends_Incomplete()
    {
        var kernel = Kernel();
        var calls = 0;
        var record = kernel.Register(BugCheckCallbackReason.AddPages, "faulty.sys", (_, _, data) =>
        {
            calls++;
            ((PageRangeData)data!).Flags = PageRangeFlags.AdditionalRangesExist;
            throw new InvalidOperationException("bad page");
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        calls.Should().Be(1);
        record.State.Should().Be(BufferDumpState.Incomplete);
        outcome.Of(ViolationKind.CallbackThrew).Should().ContainSingle();
    }

    [Fact]
    public void A_callback_that_deregisters_itself_mid_protocol_is_not_called_again()
    {
        var kernel = Kernel();
        var calls = 0;
        var record = kernel.Register(BugCheckCallbackReason.AddPages, "quits.sys", (_, rec, data) =>
        {
            calls++;
            var d = (PageRangeData)data!;
            d.Flags = PageRangeFlags.PhysicalAddress | PageRangeFlags.AdditionalRangesExist;
            d.Address = 0x1000;
            d.Count = 1;
            kernel.Callbacks.Deregister(rec);
        });
        kernel.KeBugCheckEx(0x1).BodyRanges.Should().ContainSingle();
        calls.Should().Be(1);
        record.State.Should().Be(BufferDumpState.Empty);
    }
}
