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

    /// <summary>
    /// The stop code and its parameters sit right after the list heads in the kernel's data: with Parameter 1 = 3 the reason
    /// list's head once read as a record of reason 3 whose checksum fails, carving took it for a tampered record, and all
    /// seven reason records were called hidden. Every small Parameter 1, under the stop codes the docs use, finds nothing.
    /// </summary>
    public static TheoryData<uint, ulong, DumpType> Untampered()
    {
        var data = new TheoryData<uint, ulong, DumpType>();
        foreach (var code in new uint[] { 0xD1, 0x9F, 0x1000007E, 0xE2 })
        {
            for (var parameter1 = 0UL; parameter1 <= 0x10; parameter1++)
            {
                data.Add(code, parameter1, parameter1 % 2 == 0 ? DumpType.Automatic : DumpType.Full);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Untampered))]
    public void An_untampered_dump_has_no_finding_and_every_record_on_its_list_whatever_the_stop_code_and_Parameter_1(uint code, ulong parameter1, DumpType dumpType)
    {
        var (outcome, dump) = Crash(dumpType, code: code, parameter1: parameter1);
        using var _ = dump;

        var scan = new KernelWalker(dump).ReadCallbackLists();

        scan.AllFindings.Should().BeEmpty(string.Join(" ", scan.AllFindings.Select(f => f.Detail)));
        scan.Unlinked.Should().BeEmpty();
        scan.Lists.SelectMany(l => l.Records).Should().HaveCount(outcome.Records.Count);
        scan.Lists.Select(l => l.Kind).Should().BeEquivalentTo([CallbackListKind.Classic, CallbackListKind.Reason, CallbackListKind.AddRemovePages]);
    }

    [Theory]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.Summary)]
    [InlineData(DumpType.Header)]
    [InlineData(DumpType.Triage)]
    [InlineData(DumpType.BitmapFull)]
    [InlineData(DumpType.BitmapKernel)]
    [InlineData(DumpType.Automatic)]
    public void No_dump_type_under_a_hundred_random_stop_codes_and_parameter_sets_has_a_finding(DumpType dumpType)
    {
        var random = new Random((int)dumpType + 35);
        for (var i = 0; i < 100; i++)
        {
            // Small values, kernel-looking addresses and anything at all, for the stop code and Parameter 1 alike.
            ulong Value() => (i % 3) switch { 0 => (ulong)random.Next(0, 0x20), 1 => 0xFFFFF80000000000UL | (ulong)random.NextInt64(0, 0x10000), _ => (ulong)random.NextInt64() };
            var (_, dump) = Crash(dumpType, code: (uint)Value(), parameter1: Value());
            using var _ = dump;

            var scan = new KernelWalker(dump).ReadCallbackLists();

            scan.AllFindings.Should().BeEmpty($"set {i}: {string.Join(" ", scan.AllFindings.Select(f => f.Detail))}");
        }
    }

    [Theory]
    [InlineData(RecordTamperingKind.WrongChecksum, IntegrityFindingKind.ChecksumMismatch, 3UL)]
    [InlineData(RecordTamperingKind.RoutineOutsideModules, IntegrityFindingKind.UnbackedRoutine, 3UL)]
    [InlineData(RecordTamperingKind.BrokenLink, IntegrityFindingKind.BrokenLink, 3UL)]
    [InlineData(RecordTamperingKind.Hidden, IntegrityFindingKind.NotOnList, 3UL)]
    [InlineData(RecordTamperingKind.WrongChecksum, IntegrityFindingKind.ChecksumMismatch, 0xDUL)]
    [InlineData(RecordTamperingKind.Hidden, IntegrityFindingKind.NotOnList, 0xDUL)]
    public void A_tampered_record_is_still_found_when_the_head_reads_like_a_record(RecordTamperingKind kind, IntegrityFindingKind finding, ulong parameter1)
    {
        var (outcome, dump) = Crash(DumpType.Automatic, records => [RecordTampering.Of(records.Secondary, kind)], 0x9F, parameter1);
        using var _ = dump;
        var scan = new KernelWalker(dump).ReadCallbackLists();
        var address = outcome.Records.Single(r => r.Record is { } record && record.Component == "storport.sys" && r.RecordIndex == 1).Address;
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
    internal static (BugCheckOutcome Outcome, DumpFile Dump) Crash(DumpType dumpType, Func<CrashRecords, IReadOnlyList<RecordTampering>>? tamper = null, uint code = 0xD1, ulong parameter1 = 0xFFFFD00012345678)
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
        var outcome = kernel.KeBugCheckEx(code, parameter1, 2, 0, records.Secondary.CallbackRoutineAddress, sink); // storport.sys's first routine
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
