using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Dump;
using System.Text.Json;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>A realistic set of drivers, one per reason plus a faulting one and a self-deregistering DumpIo mirror.</summary>
public sealed class EndToEndTests
{
    private static readonly Guid s_storageTag = Guid.Parse("5a5a5a5a-1000-4000-8000-000000000001");
    private static readonly Guid s_ringTag = Guid.Parse("5a5a5a5a-1000-4000-8000-000000000002");
    private const ulong TriageVa = 0xFFFF800000300000;

    internal static (SimulatedKernel Kernel, byte[] StorageLog, byte[][] Ring, byte[] ClassicBuffer) BuildScenario()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic });
        var storageLog = Enumerable.Range(0, 6000).Select(i => (byte)i).ToArray();
        var ring = new[] { "part-one"u8.ToArray(), "part-two"u8.ToArray() };
        var triageArray = new TriageDumpDataArray(0x100);
        var classicBuffer = new byte[32];

        kernel.Register(BugCheckCallbackReason.Reserved1, "hal.sys", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "triage.sys", (_, _, data) =>
        {
            triageArray.Initialize(0x100);
            triageArray.AddBlock(TriageVa, 0x200);
            ((TriageDumpData)data!).DataArray = triageArray;
        });
        kernel.Register(BugCheckCallbackReason.AddPages, "gpu.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x100000, 4), (0x200000, 2)));
        kernel.Register(BugCheckCallbackReason.RemovePages, "secure.sys", Callbacks.PageRanges(PageRangeFlags.PhysicalAddress, (0x101000, 1)));
        kernel.Register(BugCheckCallbackReason.DumpIo, "mirror.sys", (_, rec, data) =>
        {
            if (((DumpIoData)data!).Type == DumpIoType.Body)
            {
                kernel.Callbacks.Deregister(rec);
            }
        });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "storport.sys", Callbacks.SecondaryWriter(s_storageTag, storageLog));
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "faulty.sys", (_, _, _) => throw new InvalidOperationException("bad pointer"));
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "ndis.sys", (_, _, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            var part = (int)d.Context;
            d.Guid = s_ringTag;
            d.SetOutput(ring[part]);
            d.Context = part + 1;
            d.Flags = part + 1 < ring.Length ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        });
        kernel.Callbacks.RegisterClassic(new BugCheckCallbackRecord(), span => "classic"u8.CopyTo(span), classicBuffer, "legacy.sys");
        return (kernel, storageLog, ring, classicBuffer);
    }

    [Fact]
    public void A_realistic_crash_produces_the_expected_outcome()
    {
        var (kernel, storageLog, ring, classicBuffer) = BuildScenario();
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0xD1, 0xFFFFD00012345678, 2, 0, 0xFFFFF80012345678, sink);

        outcome.DisplayedStopCode.Should().Be(0xD1);
        outcome.Violations.Select(v => (v.Kind, v.Component)).Should().Equal((ViolationKind.CallbackThrew, "faulty.sys"));
        outcome.BodyRanges.Should().Equal(
            new PageRange(AddressSpace.Physical, 0x100000, 1),
            new PageRange(AddressSpace.Physical, 0x102000, 2),
            new PageRange(AddressSpace.Physical, 0x200000, 2));
        outcome.TriageBlocks.Should().Equal(new TriageBlockInfo("triage.sys", TriageVa, 0x200));
        outcome.Blobs.Select(b => (b.Tag, b.Size, b.Component)).Should().Equal(
            (s_storageTag, 6000u, "storport.sys"), (s_ringTag, 8u, "ndis.sys"), (s_ringTag, 8u, "ndis.sys"));
        sink.ReadTagged(s_storageTag).Should().Equal(storageLog);
        sink.Blobs().Where(b => b.Tag == s_ringTag).Select(b => b.Data).Should().BeEquivalentTo(ring, o => o.WithStrictOrdering());
        classicBuffer[..7].Should().Equal("classic"u8.ToArray());

        outcome.Records.Select(r => (r.Component, r.Calls, r.FinalState)).Should().BeEquivalentTo(new[]
        {
            ("hal.sys", 1, BufferDumpState.Finished),
            ("storport.sys", 2, BufferDumpState.Finished),
            ("faulty.sys", 1, BufferDumpState.Incomplete),
            ("mirror.sys", 2, BufferDumpState.Empty),
            ("gpu.sys", 2, BufferDumpState.Finished),
            ("ndis.sys", 2, BufferDumpState.Finished),
            ("secure.sys", 1, BufferDumpState.Finished),
            ("triage.sys", 1, BufferDumpState.Finished),
            ("legacy.sys", 1, BufferDumpState.Finished),
        });
        outcome.Invocations.Where(i => i.Component == "mirror.sys").Select(i => i.IoType).Should().Equal(DumpIoType.Header, DumpIoType.Body);
        outcome.Invocations.Where(i => !i.Faulted).Should().OnlyContain(i => i.AllocatedBytes == 0, "only the faulting call allocated (its exception)");
    }

    [Fact]
    public void The_outcome_round_trips_through_JSON_with_a_stable_schema()
    {
        var (kernel, _, _, _) = BuildScenario();
        var outcome = kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4);
        var json = outcome.ToJson();

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        root.GetProperty("bugCheckCode").GetUInt32().Should().Be(0xD1);
        root.GetProperty("dumpType").GetString().Should().Be("Automatic");
        root.GetProperty("violations")[0].GetProperty("kind").GetString().Should().Be("CallbackThrew");
        root.GetProperty("violations")[0].GetProperty("code").GetString().Should().Be("BCV0001");
        root.GetProperty("invocations")[0].GetProperty("phase").GetString().Should().Be("Entry");

        var back = BugCheckOutcome.FromJson(json);
        // The report holds values, not the live records the rows point at (OutcomeRecordTests).
        back.Should().BeEquivalentTo(outcome, o => o.Excluding(m => m.Name == nameof(Violation.Record) || m.Name == nameof(Violation.ClassicRecord)));
        back.ToJson().Should().Be(json);
    }

    [Fact]
    public void FromJson_rejects_what_is_not_an_outcome()
    {
        var nullText = () => BugCheckOutcome.FromJson(null!);
        nullText.Should().Throw<ArgumentNullException>().WithParameterName("json");
        var literalNull = () => BugCheckOutcome.FromJson("null");
        literalNull.Should().Throw<JsonException>();
        var garbage = () => BugCheckOutcome.FromJson("{ \"bugCheckCode\": \"x\" }");
        garbage.Should().Throw<JsonException>();
    }

    [Fact]
    public void The_text_report_names_the_stop_code_blobs_and_violations()
    {
        var (kernel, _, _, _) = BuildScenario();
        var text = kernel.KeBugCheckEx(0xD1, 0xFFFFD00012345678, 2, 0, 0xFFFFF80012345678).ToText();
        text.Should().StartWith("*** STOP 0x000000D1 (0xFFFFD00012345678, 0x2, 0x0, 0xFFFFF80012345678)");
        text.Should().Contain($"{{{s_storageTag}}} - 0x1770 bytes (storport.sys)");
        text.Should().Contain("BCV0001 CallbackThrew [SecondaryDataSizing] faulty.sys");
        text.Should().Contain("Physical 0x0000000000102000 2 pages");
    }

    [Fact]
    public void The_text_report_shows_a_nested_stop_code_with_its_own_parameters()
    {
        var kernel = new SimulatedKernel();
        kernel.Register(BugCheckCallbackReason.Reserved1, "panic.sys", (_, _, _) => kernel.KeBugCheckEx(0x7E, 5));
        kernel.KeBugCheckEx(0x1).ToText().Should().StartWith("*** STOP 0x00000001 (0x0, 0x0, 0x0, 0x0)")
            .And.Contain("nested bug check from panic.sys: KeBugCheckEx(0x0000007E, 0x5, 0x0, 0x0, 0x0)");
    }
}
