using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;
using FluentAssertions;
using Xunit;

namespace BugCheckCallbacks.Tests.Forensics;

public sealed class KernelWalkerTests
{
    public static TheoryData<DumpType> KernelMemoryDumpTypes() =>
        [DumpType.Full, DumpType.Summary, DumpType.BitmapFull, DumpType.BitmapKernel, DumpType.Automatic];

    [Theory]
    [MemberData(nameof(KernelMemoryDumpTypes))]
    public void The_walker_finds_every_record_the_outcome_lists_on_its_list_in_order(DumpType dumpType)
    {
        var (outcome, dump) = Crash(dumpType);
        using var _ = dump;
        var walker = new KernelWalker(dump);

        var kdbg = walker.FindDebuggerData();
        kdbg.Block.Should().NotBeNull(string.Join(" ", kdbg.Tried));
        kdbg.Block!.FromHeader.Should().BeTrue();
        (kdbg.Block.Address, kdbg.Block.KernBase, kdbg.Block.PsLoadedModuleList, kdbg.Block.KeBugCheckCallbackListHead)
            .Should().Be((outcome.Kernel!.KdDebuggerDataBlock, outcome.Kernel.Modules[0].Base, outcome.Kernel.PsLoadedModuleList, outcome.Kernel.KeBugCheckCallbackListHead));

        var modules = walker.ReadModules();
        modules.Findings.Should().BeEmpty();
        modules.Modules.Select(m => (m.Name, m.Base, m.Size)).Should().Equal(outcome.Kernel.Modules.Select(m => (m.Name, m.Base, m.Size)));
        modules.Modules.Select(m => m.Name).Should().Equal("ntoskrnl.exe", "hal.dll", "io.sys", "storport.sys", "pages.sys", "legacy.sys", "entry.sys");

        var scan = walker.ReadCallbackLists();
        scan.AllFindings.Select(f => f.Detail).Should().BeEmpty();
        scan.Unlinked.Select(r => r.ReasonName + " " + r.Component).Should().BeEmpty();
        scan.Lists.Select(l => (l.Kind, l.Head, l.Source)).Should().Equal(
            (CallbackListKind.Classic, outcome.Kernel.KeBugCheckCallbackListHead, CallbackListSource.DebuggerData),
            (CallbackListKind.Reason, outcome.Kernel.KeBugCheckReasonCallbackListHead, CallbackListSource.Carved),
            (CallbackListKind.AddRemovePages, outcome.Kernel.KeBugCheckAddRemovePagesCallbackListHead, CallbackListSource.Carved));
        foreach (var list in scan.Lists)
        {
            list.Records.Should().OnlyContain(r => r.ChecksumValid && r.RoutineModule != null && r.RoutineModule.Name == r.Component);
            foreach (var record in list.Records)
            {
                var expected = outcome.Records.Single(o => o.Address == record.Address);
                (record.Component, record.IsClassic ? null : (BugCheckCallbackReason?)record.Reason, record.State).Should().Be((expected.Component, expected.Reason, (byte)expected.StateInDump!.Value));
            }
        }

        // Each reason's records in the list order are the outcome's dispatch order; newest first across reasons too.
        var reasonList = scan.Lists.Single(l => l.Kind == CallbackListKind.Reason).Records.Select(r => r.Address).ToArray();
        reasonList.Should().Equal(outcome.Records.Where(r => r.Reason is not (null or BugCheckCallbackReason.AddPages or BugCheckCallbackReason.RemovePages) && r.StateInDump != BufferDumpState.Empty)
            .OrderByDescending(r => r.Record!.Sequence).Select(r => r.Address));
        scan.Lists.Single(l => l.Kind == CallbackListKind.AddRemovePages).Records.Select(r => r.ReasonName).Should().Equal("KbCallbackRemovePages", "KbCallbackAddPages");
        scan.Lists.Single(l => l.Kind == CallbackListKind.Classic).Records.Should().ContainSingle().Which.Component.Should().Be("legacy.sys");
    }

    [Fact]
    public void The_header_points_at_the_kernel_structures_and_its_context_stands_in_the_bug_check_routine()
    {
        var (outcome, dump) = Crash(DumpType.Automatic);
        using var _ = dump;
        dump.Header.KdDebuggerDataBlock.Should().Be(outcome.Kernel!.KdDebuggerDataBlock);
        dump.Header.PsLoadedModuleList.Should().Be(outcome.Kernel.PsLoadedModuleList);
        var context = dump.Header.Context;
        (context.Rcx, context.Rdx, context.R8, context.R9).Should().Be((0xD1UL, 0xFFFFD00012345678UL, 2UL, 0UL));
        new KernelWalker(dump).ModuleAt(context.Rip)!.Name.Should().Be("ntoskrnl.exe");
        var exception = dump.Header.Exception;
        (exception.Code, exception.Address).Should().Be((0xC0000005u, outcome.Kernel.Modules[3].Base + 0x1000), "0xD1's parameter 4 is the faulting code address");
        exception.Parameters.Should().Equal(0UL, 0xFFFFD00012345678UL);
        var image = new byte[0x1000];
        dump.ReadVirtual(outcome.Kernel.Modules[0].Base, image).Should().Be(0x1000);
        PeImageHeader.ReadSizeOfImage(image).Should().Be((uint)outcome.Kernel.Modules[0].Size);
        image.AsSpan(PeImageHeader.CodeViewOffset, 4).ToArray().Should().Equal("RSDS"u8.ToArray());
    }

    [Theory]
    [InlineData(RecordTamperingKind.WrongChecksum, IntegrityFindingKind.ChecksumMismatch)]
    [InlineData(RecordTamperingKind.RoutineOutsideModules, IntegrityFindingKind.UnbackedRoutine)]
    [InlineData(RecordTamperingKind.BrokenLink, IntegrityFindingKind.BrokenLink)]
    [InlineData(RecordTamperingKind.Hidden, IntegrityFindingKind.NotOnList)]
    public void A_tampered_reason_record_is_found_with_its_finding_and_nothing_else(RecordTamperingKind kind, IntegrityFindingKind finding)
    {
        var (outcome, dump) = Crash(DumpType.Automatic, records => [RecordTampering.Of(records.Secondary, kind)]);
        using var _ = dump;
        var scan = new KernelWalker(dump).ReadCallbackLists();
        var address = outcome.Records.Single(r => r.Record is { } record && record.Component == "storport.sys" && r.RecordIndex == 1).Address;
        scan.AllFindings.Select(f => (f.Kind, f.Address)).Should().Equal([(finding, address)], string.Join(" ", scan.AllFindings.Select(f => f.Detail)));
        var all = scan.Lists.SelectMany(l => l.Records).Concat(scan.Unlinked).ToArray();
        all.Select(r => r.Address).Should().Contain(address, "every record is found, on its list or carved").And.OnlyHaveUniqueItems();
        all.Should().HaveCount(outcome.Records.Count);
        if (kind == RecordTamperingKind.Hidden)
        {
            scan.Unlinked.Should().ContainSingle().Which.Address.Should().Be(address);
            scan.Lists.Single(l => l.Kind == CallbackListKind.Reason).Records.Select(r => r.Address).Should().NotContain(address);
        }
    }

    [Theory]
    [InlineData(RecordTamperingKind.WrongChecksum, IntegrityFindingKind.ChecksumMismatch)]
    [InlineData(RecordTamperingKind.RoutineOutsideModules, IntegrityFindingKind.UnbackedRoutine)]
    [InlineData(RecordTamperingKind.Hidden, IntegrityFindingKind.NotOnList)]
    public void A_tampered_classic_record_is_found_with_its_finding(RecordTamperingKind kind, IntegrityFindingKind finding)
    {
        var (outcome, dump) = Crash(DumpType.Full, records => [RecordTampering.Of(records.Classic, kind)]);
        using var _ = dump;
        var scan = new KernelWalker(dump).ReadCallbackLists();
        var address = outcome.Records.Single(r => r.Reason is null).Address;
        scan.AllFindings.Select(f => (f.Kind, f.Address)).Should().Equal([(finding, address)], string.Join(" ", scan.AllFindings.Select(f => f.Detail)));
    }

    [Fact]
    public void Tampering_changes_only_the_dump_the_kernel_still_calls_the_record()
    {
        var (outcome, dump) = Crash(DumpType.Automatic, records => [RecordTampering.Of(records.Secondary, RecordTamperingKind.WrongChecksum)]);
        dump.Dispose();
        outcome.Violations.Should().BeEmpty();
        outcome.Blobs.Should().HaveCount(2, "both storport.sys records wrote their blob");
    }

    /// <summary>
    /// A crash with every kind of record: entry (Reserved1), DumpIo, secondary data, AddPages, RemovePages and a classic
    /// callback; 0xD1 with parameter 4 inside storport.sys's code. <paramref name="tamper"/> picks the records to corrupt.
    /// </summary>
    internal static (BugCheckOutcome Outcome, DumpFile Dump) Crash(DumpType dumpType, Func<CrashRecords, IReadOnlyList<RecordTampering>>? tamper = null)
    {
        var records = new CrashRecords();
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType, DetectAllocations = false, Tampering = tamper?.Invoke(records) ?? [] });
        var registry = kernel.Callbacks;
        registry.Register(records.DumpIo, (_, _, _) => { }, BugCheckCallbackReason.DumpIo, "io.sys").Should().BeTrue();
        registry.Register(records.Secondary, Callbacks.SecondaryWriter(Guid.NewGuid(), new byte[64]), BugCheckCallbackReason.SecondaryDumpData, "storport.sys").Should().BeTrue();
        registry.Register(records.AddPages, Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x10000, 1)), BugCheckCallbackReason.AddPages, "pages.sys").Should().BeTrue();
        registry.Register(records.RemovePages, Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x11000, 1)), BugCheckCallbackReason.RemovePages, "pages.sys").Should().BeTrue();
        registry.RegisterClassic(records.Classic, _ => { }, new byte[16], "legacy.sys").Should().BeTrue();
        registry.Register(records.Entry, (_, _, _) => { }, BugCheckCallbackReason.Reserved1, "entry.sys").Should().BeTrue();
        registry.Register(records.SecondSecondary, Callbacks.SecondaryWriter(Guid.NewGuid(), new byte[64]), BugCheckCallbackReason.SecondaryDumpData, "storport.sys").Should().BeTrue();
        var sink = new InMemoryDumpSink();
        var storport = SimulatedAddresses.SlotBase(3) + 0x1000; // storport.sys's first routine: slot 3, code at 0x1000
        var outcome = kernel.KeBugCheckEx(0xD1, 0xFFFFD00012345678, 2, 0, storport, sink);
        return (outcome, sink.Open());
    }

    /// <summary>The records <see cref="Crash"/> registers, made before the kernel so that tampering can name them.</summary>
    internal sealed class CrashRecords
    {
        public BugCheckReasonCallbackRecord DumpIo { get; } = new();

        public BugCheckReasonCallbackRecord Secondary { get; } = new();

        public BugCheckReasonCallbackRecord AddPages { get; } = new();

        public BugCheckReasonCallbackRecord RemovePages { get; } = new();

        public BugCheckCallbackRecord Classic { get; } = new();

        public BugCheckReasonCallbackRecord Entry { get; } = new();

        public BugCheckReasonCallbackRecord SecondSecondary { get; } = new();
    }
}
