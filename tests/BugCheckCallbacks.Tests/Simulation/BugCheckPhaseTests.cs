using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class BugCheckPhaseTests
{
    private static readonly Guid s_tag = Guid.Parse("11111111-2222-3333-4444-555555555555");

    [Fact]
    public void Phases_run_in_the_documented_order()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic, DetectAllocations = false });
        kernel.Register(BugCheckCallbackReason.Reserved1, "entry.sys", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "triage.sys", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x1000, 1)));
        kernel.Register(BugCheckCallbackReason.RemovePages, "remove.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x8000, 1)));
        kernel.Register(BugCheckCallbackReason.DumpIo, "io.sys", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "sec.sys", Callbacks.SecondaryWriter(s_tag, new byte[8]));
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "multi.sys", (_, _, _) => { });
        var classic = new BugCheckCallbackRecord();
        kernel.Callbacks.RegisterClassic(classic, _ => { }, new byte[4], "classic.sys");

        var outcome = kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4);

        var phases = outcome.Invocations.Select(i => i.Phase).Distinct().ToArray();
        phases.Should().Equal(
            BugCheckPhase.Entry, BugCheckPhase.TriageDumpData, BugCheckPhase.AddPages, BugCheckPhase.RemovePages,
            BugCheckPhase.SecondaryDataSizing, BugCheckPhase.DumpHeader, BugCheckPhase.DumpBody, BugCheckPhase.SecondaryData, BugCheckPhase.SecondaryMultiPartData,
            BugCheckPhase.DumpComplete, BugCheckPhase.Classic);
        outcome.Invocations.Select(i => i.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        outcome.Violations.Should().BeEmpty();
    }

    [Theory]
    [InlineData(DumpType.Automatic, true, true)]
    [InlineData(DumpType.Triage, true, false)]
    [InlineData(DumpType.Full, false, true)]
    [InlineData(DumpType.Summary, false, true)]
    [InlineData(DumpType.BitmapFull, false, true)]
    [InlineData(DumpType.BitmapKernel, false, true)]
    [InlineData(DumpType.Header, false, false)]
    public void Dump_type_decides_which_protocols_run(DumpType dumpType, bool triage, bool pages)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType, DetectAllocations = false });
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "triage.sys", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0, 1)));
        kernel.Register(BugCheckCallbackReason.RemovePages, "remove.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x5000, 1)));
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "sec.sys", Callbacks.SecondaryWriter(s_tag, new byte[8]));

        var outcome = kernel.KeBugCheckEx(0x1E);

        outcome.Invocations.Any(i => i.Phase == BugCheckPhase.TriageDumpData).Should().Be(triage);
        outcome.Invocations.Any(i => i.Phase == BugCheckPhase.AddPages).Should().Be(pages);
        outcome.Invocations.Any(i => i.Phase == BugCheckPhase.RemovePages).Should().Be(pages);
        outcome.Blobs.Should().ContainSingle("every dump type keeps the secondary data");
        outcome.DumpType.Should().Be(dumpType);
    }

    [Fact]
    public void Entry_callbacks_get_no_data_and_finish()
    {
        var kernel = new SimulatedKernel();
        var sawData = true;
        var record = kernel.Register(BugCheckCallbackReason.Reserved1, "entry.sys", (reason, _, data) => sawData = data is not null || reason != BugCheckCallbackReason.Reserved1);
        var outcome = kernel.KeBugCheckEx(0x1);
        sawData.Should().BeFalse();
        record.State.Should().Be(BufferDumpState.Finished);
        (outcome.Records.Single(r => r.Reason == BugCheckCallbackReason.Reserved1) with { Address = 0, StateInDump = null }).Should().Be(new RecordOutcome(BugCheckCallbackReason.Reserved1, "entry.sys", 0, 1, BufferDumpState.Finished));
    }

    [Theory]
    [InlineData(BugCheckCallbackReason.Reserved2)]
    [InlineData(BugCheckCallbackReason.Reserved3)]
    public void Reserved2_and_Reserved3_are_never_dispatched(BugCheckCallbackReason reason)
    {
        var kernel = new SimulatedKernel();
        var called = false;
        var record = kernel.Register(reason, "reserved.sys", (_, _, _) => called = true);
        var outcome = kernel.KeBugCheckEx(0x1);
        called.Should().BeFalse();
        record.State.Should().Be(BufferDumpState.Inserted);
        outcome.Records.Single().Calls.Should().Be(0);
    }

    [Theory]
    [InlineData(CallbackOrder.NewestFirst, new[] { "b.sys", "a.sys" })]
    [InlineData(CallbackOrder.OldestFirst, new[] { "a.sys", "b.sys" })]
    public void Callbacks_of_a_reason_run_in_the_configured_order(CallbackOrder order, string[] expected)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { Order = order });
        kernel.Register(BugCheckCallbackReason.Reserved1, "a.sys", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.Reserved1, "b.sys", (_, _, _) => { });
        kernel.KeBugCheckEx(0x1).Invocations.Select(i => i.Component).Should().Equal(expected);
    }

    [Fact]
    public void Registration_during_the_crash_does_not_take_part()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        var late = new BugCheckReasonCallbackRecord();
        var lateCalled = false;
        kernel.Register(BugCheckCallbackReason.Reserved1, "early.sys", (_, _, _) =>
            kernel.Callbacks.Register(late, (_, _, _) => lateCalled = true, BugCheckCallbackReason.DumpIo, "late.sys"));
        var outcome = kernel.KeBugCheckEx(0x1);
        lateCalled.Should().BeFalse();
        late.State.Should().Be(BufferDumpState.Inserted);
        outcome.Records.Should().ContainSingle();
    }

    [Fact]
    public void A_bug_check_leaves_the_garbage_collector_as_it_found_it()
    {
        var kernel = new SimulatedKernel();
        var before = System.Runtime.GCSettings.LatencyMode;
        var mode = System.Runtime.GCLatencyMode.Batch;
        kernel.Register(BugCheckCallbackReason.Reserved1, "probe.sys", (_, _, _) => mode = System.Runtime.GCSettings.LatencyMode);
        kernel.KeBugCheckEx(0x1).Violations.Should().BeEmpty();
        mode.Should().NotBe(System.Runtime.GCLatencyMode.NoGCRegion, "other threads' no-GC regions were what charged phantom allocations to innocent callbacks (docs/verifier.md)");
        System.Runtime.GCSettings.LatencyMode.Should().Be(before);
    }

    [Fact]
    public void A_kernel_bug_checks_once()
    {
        var kernel = new SimulatedKernel();
        kernel.HasBugChecked.Should().BeFalse();
        kernel.KeBugCheckEx(0x1);
        kernel.HasBugChecked.Should().BeTrue();
        var again = () => kernel.KeBugCheckEx(0x2);
        again.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [InlineData(InvocationLog.Bounded, 10)]
    [InlineData(InvocationLog.All, 300)]
    [InlineData(InvocationLog.None, 0)]
    public void The_invocation_log_keeps_what_its_mode_says_and_every_record_and_violation_always(InvocationLog log, int logged)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { Log = log, MaxLoggedCalls = 10, DetectAllocations = false });
        for (var i = 0; i < 299; i++)
        {
            kernel.Register(BugCheckCallbackReason.Reserved1, $"quiet{i}.sys", (_, _, _) => { });
        }

        kernel.Register(BugCheckCallbackReason.Reserved1, "faulty.sys", (_, _, _) => throw new InvalidOperationException("last"));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.TotalCalls.Should().Be(300);
        outcome.Invocations.Should().HaveCount(logged);
        outcome.Invocations.Select(i => i.Sequence).Should().BeInAscendingOrder();
        outcome.Records.Should().HaveCount(300).And.OnlyContain(r => r.Calls == 1);
        outcome.Violations.Should().ContainSingle().Which.Component.Should().Be("faulty.sys", "violations are always kept");
        outcome.ToText().Should().Contain($"300 calls ({logged} logged)");
    }

    [Fact]
    public void A_callback_that_never_returns_is_abandoned_past_the_hang_timeout_and_the_kernel_is_unusable()
    {
        var clock = new ManualClock();
        var kernel = new SimulatedKernel(new SimulationOptions { HangTimeout = TimeSpan.FromSeconds(5), TimeProvider = clock, DetectAllocations = false });
        using var never = new ManualResetEventSlim();
        var stuck = kernel.Register(BugCheckCallbackReason.Reserved1, "stuck.sys", (_, _, _) =>
        {
            clock.Advance(TimeSpan.FromSeconds(6)); // the kernel's clock passes the timeout while the routine runs
            never.Wait(TimeSpan.FromSeconds(30)); // and it does not return
        });
        kernel.Register(BugCheckCallbackReason.Reserved1, "first.sys", (_, _, _) => { }); // newest first: called before stuck.sys

        var outcome = kernel.KeBugCheckEx(0xE2);

        var hung = outcome.Of(ViolationKind.CallbackHung).Should().ContainSingle().Subject;
        (hung.Component, hung.Phase, hung.CallNumber).Should().Be(("stuck.sys", BugCheckPhase.Entry, 1));
        hung.Detail.Should().Contain("did not return within the hang timeout of 5.0 s");
        outcome.Invocations.Select(i => i.Component).Should().Equal(["first.sys"], "the outcome holds what happened before the hang");
        kernel.IsHung.Should().BeTrue();
        kernel.HasBugChecked.Should().BeTrue();
        stuck.State.Should().Be(BufferDumpState.Inserted, "the routine never returned, so its record was never finished");
        kernel.Invoking(k => k.KeBugCheckEx(0x1)).Should().Throw<InvalidOperationException>();
        never.Set(); // let the abandoned thread go: it stops as soon as its routine returns
    }

    [Fact]
    public async Task A_bug_check_from_another_thread_while_one_runs_is_refused_with_the_documented_exception()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        kernel.Register(BugCheckCallbackReason.Reserved1, "wait.sys", (_, _, _) =>
        {
            inside.Set();
            release.Wait(TimeSpan.FromSeconds(10));
        });
        var first = Task.Run(() => kernel.KeBugCheckEx(0x1));
        inside.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        var second = () => kernel.KeBugCheckEx(0x2);
        second.Should().Throw<InvalidOperationException>().WithMessage("*bug-checking on another thread*");
        release.Set();
        (await first).Violations.Should().BeEmpty("the running bug check is not disturbed");
        kernel.HasBugChecked.Should().BeTrue();
    }

    [Fact]
    public void Outcome_carries_the_bug_check()
    {
        var outcome = new SimulatedKernel().KeBugCheckEx(0xD1, 0x10, 0x2, 0x0, 0xFFFFF80012345678);
        (outcome.BugCheckCode, outcome.DisplayedStopCode, outcome.BugCheckParameter1, outcome.BugCheckParameter2, outcome.BugCheckParameter3, outcome.BugCheckParameter4, outcome.PageSize)
            .Should().Be((0xD1u, 0xD1u, 0x10ul, 0x2ul, 0x0ul, 0xFFFFF80012345678ul, 4096u));
    }

    [Fact]
    public void Sink_receives_a_complete_kernel_dump_of_the_bug_check()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        kernel.Register(BugCheckCallbackReason.AddPages, "add.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x200000, 2)));
        var payload = "hello"u8.ToArray();
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "sec.sys", Callbacks.SecondaryWriter(s_tag, payload));
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0x50, 1, 2, 3, 4, sink);
        sink.IsCompleted.Should().BeTrue();
        using var dump = sink.Open();
        (dump.Header.BugCheckCode, dump.Header.BugCheckParameter1, dump.Header.BugCheckParameter4, dump.Header.RequiredDumpSpace).Should().Be((0x50u, 1ul, 4ul, sink.Length));
        dump.ContainsPage(0x200).Should().BeTrue("AddPages added it");
        dump.ContainsPage(0x202).Should().BeFalse();
        sink.ReadTagged(s_tag).Should().Equal(payload);
        sink.Invoking(s => s.ReadTagged(Guid.NewGuid())).Should().Throw<KeyNotFoundException>();
    }

    [Fact]
    public void Writes_reach_the_sink_in_pieces_of_at_most_one_mebibyte_in_file_order()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false, DumpType = DumpType.BitmapFull });
        var sink = new RecordingSink();
        kernel.KeBugCheckEx(0x1, sink: sink);
        sink.Writes.Should().OnlyContain(w => w.Length <= 1 << 20);
        sink.Writes.Select(w => w.Offset).Should().BeInAscendingOrder();
        sink.Writes.Zip(sink.Writes.Skip(1)).Should().OnlyContain(p => p.First.Offset + p.First.Length == p.Second.Offset, "the body follows the header without gaps");
    }

    private sealed class RecordingSink : IDumpSink
    {
        public List<(long Offset, int Length)> Writes { get; } = [];

        public void Write(long offset, ReadOnlySpan<byte> data) => Writes.Add((offset, data.Length));

        public void Complete()
        {
        }
    }
}
