using System.Diagnostics;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using FluentAssertions;
using Xunit;

namespace BugCheckCallbacks.Tests.Forensics;

/// <summary>Dumps built by hand to lie to the walker: every answer is a finding or a note, never a hang or another exception.</summary>
public sealed class KernelWalkerHostileTests
{
    private const ulong B = HandBuiltKernel.Base;
    private const ulong Head = B + 0x100;
    private const ulong Routine = B + 0x800;
    private const ulong Component = B + 0x900;

    [Fact]
    public void A_list_that_loops_without_coming_back_to_its_head_ends_with_a_Loop_finding()
    {
        // head → A → B → A …
        using var dump = Kernel()
            .At(0x100, B + 0x200).At(0x108, B + 0x230)
            .ReasonRecord(0x200, B + 0x230, Head, Routine, 2, Component)
            .ReasonRecord(0x230, B + 0x200, B + 0x200, Routine, 2, Component)
            .Open();
        var list = Walk(dump, Head);
        list.Records.Select(r => r.Address).Should().Equal(B + 0x200, B + 0x230);
        list.Findings.Should().ContainSingle().Which.Kind.Should().Be(IntegrityFindingKind.Loop);
    }

    [Fact]
    public void A_list_longer_than_the_bound_stops_with_TooLong()
    {
        var kernel = Kernel();
        kernel.At(0x100, B + 0x200).At(0x108, B + 0x200 + (99 * 0x30));
        for (var i = 0UL; i < 100; i++)
        {
            var at = 0x200 + (i * 0x30);
            kernel.ReasonRecord(at, i == 99 ? Head : B + at + 0x30, i == 0 ? Head : B + at - 0x30, Routine, 2, Component);
        }

        using var dump = kernel.Open();
        var list = new KernelWalker(dump, new KernelWalkerOptions { MaxListEntries = 10 }).ReadCallbackLists(new Dictionary<CallbackListKind, ulong> { [CallbackListKind.Reason] = Head })
            .Lists.Single(l => l.Source == CallbackListSource.Caller);
        list.Records.Should().HaveCount(10);
        list.Findings.Should().ContainSingle().Which.Kind.Should().Be(IntegrityFindingKind.TooLong);
    }

    [Theory]
    [InlineData(0x0000_8000_0000_0000UL, "non-canonical")]
    [InlineData(0xFFFF_8000_1000_0000UL, "not mapped")]
    [InlineData(0UL, "null")]
    public void A_link_to_memory_the_dump_lacks_ends_with_UnreadableEntry(ulong flink, string why)
    {
        using var dump = Kernel().At(0x100, B + 0x200).At(0x108, B + 0x200).ReasonRecord(0x200, flink, Head, Routine, 2, Component).Open();
        var list = Walk(dump, Head);
        list.Records.Should().ContainSingle(why);
        list.Findings.Should().ContainSingle().Which.Kind.Should().Be(IntegrityFindingKind.UnreadableEntry);
    }

    [Theory]
    [InlineData(0xFFFF_8000_5000_0000UL)]
    [InlineData(0x0000_8000_0000_0000UL)]
    public void A_head_the_dump_does_not_hold_is_a_note_not_a_finding_and_not_an_exception(ulong head)
    {
        using var dump = Kernel().Open();

        var scan = new KernelWalker(dump).ReadCallbackLists(new Dictionary<CallbackListKind, ulong> { [CallbackListKind.Reason] = head });

        scan.Lists.Should().NotContain(l => l.Source == CallbackListSource.Caller, "absent is not tampered: there is no list to show");
        scan.Lists.SelectMany(l => l.Findings).Should().BeEmpty();
        scan.Notes.Should().Contain(n => n.Contains($"0x{head:X16} is not in the dump"));
    }

    [Theory]
    [InlineData(0, IntegrityFindingKind.InvalidReason)]
    [InlineData(42, IntegrityFindingKind.InvalidReason)]
    [InlineData(4, IntegrityFindingKind.WrongList)]
    public void A_record_whose_reason_does_not_belong_is_flagged(int reason, IntegrityFindingKind kind)
    {
        using var dump = Kernel().At(0x100, B + 0x200).At(0x108, B + 0x200).ReasonRecord(0x200, Head, Head, Routine, reason, Component).Open();
        Walk(dump, Head).Records.Single().Findings.Select(f => f.Kind).Should().Contain(kind);
    }

    [Fact]
    public void A_record_with_an_invalid_state_and_an_unreadable_component_is_flagged_for_both()
    {
        using var dump = Kernel().At(0x100, B + 0x200).At(0x108, B + 0x200).ReasonRecord(0x200, Head, Head, Routine, 2, 0xFFFF_8000_7000_0000, state: 9).Open();
        Walk(dump, Head).Records.Single().Findings.Select(f => f.Kind).Should().Contain([IntegrityFindingKind.InvalidState, IntegrityFindingKind.UnreadableComponent, IntegrityFindingKind.UnbackedRoutine]);
    }

    [Fact]
    public void Page_tables_that_alias_everything_stop_the_scan_at_its_budget_quickly()
    {
        // Every PML4 entry of both halves → the PDPT, every PDPT entry → the page directory, and every PD entry a 2 MiB
        // large page over frame 0: 2^36 virtual pages if walked to the end.
        var kernel = Kernel();
        for (var i = 0; i < 512; i++)
        {
            kernel.Pml4(i, (1 << 12) | 0x63).Pdpt(i, (2 << 12) | 0x63).Physical(0x2000 + (i * 8), 0xE3);
        }

        using var dump = kernel.Open();
        var clock = Stopwatch.StartNew();
        var scan = new KernelWalker(dump).ReadCallbackLists();
        clock.Stop();
        scan.Notes.Should().Contain(n => n.Contains("the scan stopped at its budget", StringComparison.Ordinal));
        new KernelWalker(dump).FindDebuggerData().Tried.Should().Contain(t => t.Contains("stopped at its budget", StringComparison.Ordinal));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "bounded, not 2^36 pages (the budget is 4 per stored page + 4096)");
    }

    [Fact]
    public void A_header_KDBG_pointer_to_noise_is_refused_and_the_tag_is_found_by_scanning()
    {
        var kdbg = new byte[0xC8];
        "KDBG"u8.CopyTo(kdbg.AsSpan(0x10));
        BitConverter.TryWriteBytes(kdbg.AsSpan(0x14), 0x340u);
        BitConverter.TryWriteBytes(kdbg.AsSpan(0x18), 0xFFFFF80000000000UL);
        using var dump = Kernel().Header(0x80, B + 0x400).At(0x1000, kdbg).Open();
        var search = new KernelWalker(dump).FindDebuggerData();
        search.Block!.Address.Should().Be(B + 0x1000);
        search.Block.FromHeader.Should().BeFalse();
        search.Tried[0].Should().Contain("OwnerTag is not \"KDBG\"");
    }

    [Fact]
    public void A_module_list_that_loops_ends_with_a_finding()
    {
        using var dump = Kernel().Header(0x20, Head).At(0x100, B + 0x200).At(0x108, B + 0x200)
            .At(0x200, B + 0x300).At(0x208, Head).At(0x300, B + 0x200).At(0x308, B + 0x200).Open();
        var modules = new KernelWalker(dump).ReadModules();
        modules.Modules.Should().HaveCount(2);
        modules.Findings.Should().ContainSingle().Which.Kind.Should().Be(IntegrityFindingKind.Loop);
    }

    [Fact]
    public void The_walker_refuses_bad_options_with_the_parameter_named()
    {
        using var dump = Kernel().Open();
        var act = () => new KernelWalker(dump, new KernelWalkerOptions { MaxListEntries = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxListEntries");
        var scan = () => new KernelWalker(dump, new KernelWalkerOptions { ScanBudgetPerStoredPage = 0 });
        scan.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ScanBudgetPerStoredPage");
        var none = () => new KernelWalker(null!);
        none.Should().Throw<ArgumentNullException>().WithParameterName("dump");
    }

    private static HandBuiltKernel Kernel() => new HandBuiltKernel(4).At(0x900, "hand.sys\0"u8);

    private static CallbackListInfo Walk(DumpFile dump, ulong head) =>
        new KernelWalker(dump).ReadCallbackLists(new Dictionary<CallbackListKind, ulong> { [CallbackListKind.Reason] = head }).Lists.Single(l => l.Source == CallbackListSource.Caller);
}
