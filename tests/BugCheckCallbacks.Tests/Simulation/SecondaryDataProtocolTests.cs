using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class SecondaryDataProtocolTests
{
    private static readonly Guid s_a = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid s_b = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    [Fact]
    public void Every_callback_is_sized_before_any_is_asked_for_data()
    {
        var kernel = new SimulatedKernel();
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "a.sys", Callbacks.SecondaryWriter(s_a, new byte[10]));
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "b.sys", Callbacks.SecondaryWriter(s_b, new byte[20]));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Invocations.Select(i => (i.Component, i.Pass, i.BytesProduced)).Should().Equal(
            ("b.sys", InvocationPass.Sizing, 20L), ("a.sys", InvocationPass.Sizing, 10L),
            ("b.sys", InvocationPass.Data, 20L), ("a.sys", InvocationPass.Data, 10L));
        outcome.Blobs.Should().Equal(
            new SecondaryBlobInfo(s_b, 20, "b.sys", BugCheckCallbackReason.SecondaryDumpData, true),
            new SecondaryBlobInfo(s_a, 10, "a.sys", BugCheckCallbackReason.SecondaryDumpData, true));
        outcome.Violations.Should().BeEmpty();
    }

    [Fact]
    public void Sizing_pass_has_no_OutBuffer_and_the_data_pass_starts_with_OutBuffer_equal_to_InBuffer()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { InBufferSize = 64 });
        var observations = new (bool SizeQuery, int OutLength, bool OutIsIn, uint InLength, BufferDumpState State)[2];
        var calls = 0;
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "in.sys", (_, rec, data) =>
        {
            var d = (SecondaryDumpData)data!;
            observations[calls++] = (d.IsSizeQuery, d.OutBuffer.Length, d.OutBuffer.Equals((ReadOnlyMemory<byte>)d.InBuffer), d.InBufferLength, rec.State);
            if (d.IsSizeQuery)
            {
                d.OutBufferLength = 5;
            }
            else
            {
                "short"u8.CopyTo(d.InBuffer.Span);
                d.Guid = s_a;
                d.OutBufferLength = 5;
            }
        });
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0x1, sink: sink);
        observations[0].Should().Be((true, 0, false, 64u, BufferDumpState.Inserted));
        observations[1].Should().Be((false, 64, true, 64u, BufferDumpState.Inserted));
        sink.ReadTagged(s_a).Should().Equal("short"u8.ToArray());
    }

    [Fact]
    public void Record_stays_Inserted_between_the_passes_and_is_Finished_after()
    {
        var kernel = new SimulatedKernel();
        var record = kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "a.sys", Callbacks.SecondaryWriter(s_a, new byte[1]));
        kernel.KeBugCheckEx(0x1).Invocations.Select(i => i.StateAfter).Should().Equal(BufferDumpState.Inserted, BufferDumpState.Inserted);
        record.State.Should().Be(BufferDumpState.Finished);
    }

    [Fact]
    public void A_callback_that_throws_in_the_sizing_pass_is_not_asked_for_data()
    {
        var kernel = new SimulatedKernel();
        var calls = 0;
        var record = kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "a.sys", (_, _, _) =>
        {
            calls++;
            throw new InvalidOperationException();
        });
        kernel.KeBugCheckEx(0x1).Blobs.Should().BeEmpty();
        calls.Should().Be(1);
        record.State.Should().Be(BufferDumpState.Incomplete);
    }

    [Fact]
    public void The_sizing_pass_reserves_each_answer_from_the_budget_and_the_data_pass_offers_what_was_reserved()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { SecondaryDataBudget = 0x1000, Order = CallbackOrder.OldestFirst });
        var seen = new List<(string Component, bool Sizing, uint MaximumAllowed)>();
        BugCheckReasonCallback Writer(string component, uint asks, uint writes) => (_, _, data) =>
        {
            var d = (SecondaryDumpData)data!;
            seen.Add((component, d.IsSizeQuery, d.MaximumAllowed));
            d.Guid = Guid.NewGuid();
            d.OutBufferLength = d.IsSizeQuery ? asks : writes;
        };
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "a.sys", Writer("a.sys", 0x101, 0x101));
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "b.sys", Writer("b.sys", 0x2000, 0xE00)); // asks for more than is left
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "c.sys", Writer("c.sys", 0x10, 0x10)); // nothing is left for it
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0x1, sink: sink);

        // 0x1000 - 0x10 (file header) - 0x20 (blob header) = 0xFD0; a's 0x101 bytes take 0x20 + 0x108; b gets what is left.
        const uint ForB = 0xFD0 - 0x128;
        seen.Should().Equal(
            ("a.sys", true, 0xFD0u), ("b.sys", true, ForB), ("c.sys", true, 0u),
            ("a.sys", false, 0x101u), ("b.sys", false, ForB), ("c.sys", false, 0u));
        outcome.Blobs.Select(b => (b.Component, b.Size)).Should().Equal(("a.sys", 0x101u), ("b.sys", 0xE00u));
        // b's over-ask took what c needed: b is accused where it asked, c is not (it wrote no more than it asked for),
        // and both shortfalls say why, c's naming b.
        var accused = outcome.Of(ViolationKind.OutputExceedsMaximumAllowed).Should().ContainSingle().Which;
        (accused.Component, accused.Phase).Should().Be(("b.sys", BugCheckPhase.SecondaryDataSizing));
        outcome.Shortfalls.Select(s => (s.Component, s.Asked, s.Offered, s.CausedBy)).Should().Equal(("b.sys", 0x2000u, ForB, (string?)null), ("c.sys", 0x10u, 0u, "b.sys"));
        outcome.Shortfalls[1].Why.Should().EndWith("Its 0x10 bytes were dropped.");
        using var dump = sink.Open();
        (dump.Header.RequiredDumpSpace - dump.SecondaryDataOffset).Should().Be(0x1000, "the region is what the sizing pass reserved: the whole budget");
        dump.Header.RequiredDumpSpace.Should().Be(sink.Length);
    }

    [Fact]
    public void A_budget_too_small_for_the_region_header_leaves_no_region_and_offers_MaximumAllowed_0()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { SecondaryDataBudget = 8 });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "a.sys", Callbacks.SecondaryWriter(s_a, new byte[4]));
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "m.sys", Callbacks.MultiPartWriter(s_b, 1, 4));
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0x1, sink: sink);

        outcome.Blobs.Should().BeEmpty();
        outcome.Of(ViolationKind.OutputExceedsMaximumAllowed).Select(v => v.Component).Should().BeEquivalentTo("a.sys", "m.sys");
        using var dump = sink.Open();
        dump.HasSecondaryData.Should().BeFalse();
        dump.Header.RequiredDumpSpace.Should().Be(sink.Length).And.Be(dump.BodyEnd);
    }

    [Fact]
    public void A_record_deregistered_after_the_sizing_pass_leaves_its_reservation_as_zeros_and_the_file_as_long_as_the_header_says()
    {
        var kernel = new SimulatedKernel();
        var record = kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "gone.sys", Callbacks.SecondaryWriter(s_a, new byte[0x100]));
        var deregistered = false;
        kernel.Register(BugCheckCallbackReason.DumpIo, "io.sys", (_, _, data) =>
        {
            if (((DumpIoData)data!).Type == DumpIoType.Header)
            {
                deregistered = kernel.Callbacks.Deregister(record);
            }
        });
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0x1, sink: sink);

        deregistered.Should().BeTrue();
        outcome.Violations.Should().BeEmpty();
        outcome.Invocations.Where(i => i.Component == "gone.sys").Select(i => i.Pass).Should().Equal(InvocationPass.Sizing);
        using var dump = sink.Open();
        (dump.Header.RequiredDumpSpace, dump.Header.RequiredDumpSpace - dump.SecondaryDataOffset).Should().Be((sink.Length, 0x10 + 0x20 + 0x100L), "the header promised the reservation");
        dump.EnumerateTags().Should().BeEmpty("zeros end the blob list");
    }

    [Fact]
    public void Output_over_MaximumAllowed_is_dropped_and_reported()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { SecondaryDataBudget = 0x100 });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "big.sys", Callbacks.SecondaryWriter(s_a, new byte[0x100]));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Blobs.Should().BeEmpty();
        outcome.Of(ViolationKind.OutputExceedsMaximumAllowed).Should().ContainSingle().Which.CallNumber.Should().Be(2, "the data pass is the record's second call");
    }

    [Fact]
    public void Output_longer_than_its_buffer_is_dropped_and_reported()
    {
        var kernel = new SimulatedKernel();
        var mine = new byte[8];
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "liar.sys", (_, _, data) =>
        {
            var d = (SecondaryDumpData)data!;
            d.Guid = s_a;
            d.OutBuffer = mine;
            d.OutBufferLength = 16;
        });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Blobs.Should().BeEmpty();
        outcome.Of(ViolationKind.OutputLengthExceedsBuffer).Should().ContainSingle();
    }

    [Fact]
    public void Data_without_a_GUID_is_dropped_and_reported()
    {
        var kernel = new SimulatedKernel();
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "untagged.sys", Callbacks.SecondaryWriter(Guid.Empty, new byte[4]));
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Blobs.Should().BeEmpty();
        outcome.Of(ViolationKind.MissingGuid).Should().ContainSingle();
    }

    [Fact]
    public void A_GUID_used_by_another_callback_makes_the_second_blob_unreadable()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { Order = CallbackOrder.OldestFirst });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "first.sys", Callbacks.SecondaryWriter(s_a, [1]));
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "second.sys", Callbacks.SecondaryWriter(s_a, [2]));
        var sink = new InMemoryDumpSink();
        var outcome = kernel.KeBugCheckEx(0x1, sink: sink);
        outcome.Blobs.Select(b => (b.Component, b.IsReadable)).Should().Equal(("first.sys", true), ("second.sys", false));
        outcome.Of(ViolationKind.DuplicateGuid).Should().ContainSingle().Which.Component.Should().Be("second.sys");
        sink.ReadTagged(s_a).Should().Equal(1);
    }

    [Fact]
    public void No_output_in_the_data_pass_is_allowed_and_writes_nothing()
    {
        var kernel = new SimulatedKernel();
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "quiet.sys", (_, _, _) => { });
        var outcome = kernel.KeBugCheckEx(0x1);
        outcome.Blobs.Should().BeEmpty();
        outcome.Violations.Should().BeEmpty();
    }
}
