using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>Every outcome row names the record it is about, so two callbacks of one component can be told apart.</summary>
public sealed class OutcomeRecordTests
{
    private static readonly Guid s_tag = Guid.Parse("0c0c0c0c-1000-4000-8000-000000000001");
    private const ulong TriageVa = 0xFFFF800000300000;

    private sealed record Twins(
        BugCheckOutcome Outcome,
        BugCheckReasonCallbackRecord Writer,
        BugCheckReasonCallbackRecord Faulty,
        BugCheckReasonCallbackRecord Triage,
        BugCheckCallbackRecord Classic);

    private static Twins Crash()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        var triageArray = new TriageDumpDataArray(0x100);
        var writer = kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "twin.sys", Callbacks.SecondaryWriter(s_tag, "data"u8.ToArray()));
        var faulty = kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "twin.sys", (_, _, _) => throw new InvalidOperationException("bad pointer"));
        var triage = kernel.Register(BugCheckCallbackReason.TriageDumpData, "twin.sys", (_, _, data) =>
        {
            triageArray.Initialize(0x100);
            triageArray.AddBlock(TriageVa, 0x200);
            ((TriageDumpData)data!).DataArray = triageArray;
        });
        var classic = new BugCheckCallbackRecord();
        kernel.Callbacks.RegisterClassic(classic, _ => { }, new byte[16], "twin.sys");
        return new Twins(kernel.KeBugCheckEx(0xD1), writer, faulty, triage, classic);
    }

    [Fact]
    public void A_violation_names_the_record_that_committed_it_among_records_of_one_component()
    {
        var twins = Crash();

        var violation = twins.Outcome.Violations.Should().ContainSingle(v => v.Kind == ViolationKind.CallbackThrew).Subject;

        violation.Record.Should().BeSameAs(twins.Faulty);
        violation.ClassicRecord.Should().BeNull();
    }

    [Fact]
    public void Every_invocation_names_its_record_and_a_classic_call_names_its_classic_record()
    {
        var outcome = Crash().Outcome;

        outcome.Invocations.Should().NotBeEmpty().And.OnlyContain(i => (i.Record != null) != (i.ClassicRecord != null));
        outcome.Invocations.Where(i => i.Reason == null).Should().NotBeEmpty().And.OnlyContain(i => i.ClassicRecord != null);
        outcome.Invocations.Where(i => i.Reason != null).Should().OnlyContain(i => i.Record!.Reason == i.Reason);
    }

    [Fact]
    public void Record_rows_name_their_record_and_blobs_and_triage_blocks_name_the_record_that_produced_them()
    {
        var twins = Crash();
        var outcome = twins.Outcome;

        // Newest first: the faulty callback registered last and is called first, as RecordIndex 0.
        outcome.Records.Where(r => r.Reason == BugCheckCallbackReason.SecondaryDumpData).Select(r => r.Record)
            .Should().Equal(twins.Faulty, twins.Writer);
        outcome.Records.Should().ContainSingle(r => r.Reason == null).Which.ClassicRecord.Should().BeSameAs(twins.Classic);
        outcome.Blobs.Should().ContainSingle().Which.Record.Should().BeSameAs(twins.Writer);
        outcome.TriageBlocks.Should().ContainSingle().Which.Record.Should().BeSameAs(twins.Triage);
    }

    [Fact]
    public void An_outcome_read_back_from_JSON_has_no_records_because_the_report_holds_none()
    {
        var outcome = Crash().Outcome;

        var back = BugCheckOutcome.FromJson(outcome.ToJson());

        back.Violations.Should().OnlyContain(v => v.Record == null && v.ClassicRecord == null);
        back.Records.Should().OnlyContain(r => r.Record == null && r.ClassicRecord == null);
        back.Blobs.Should().OnlyContain(b => b.Record == null);
        back.Violations.Should().Equal(outcome.Violations, "rows compare by value, not by the record they point at");
        back.Records.Should().Equal(outcome.Records);
        back.Invocations.Should().Equal(outcome.Invocations);
        back.Blobs.Should().Equal(outcome.Blobs);
        back.TriageBlocks.Should().Equal(outcome.TriageBlocks);
        outcome.ToJson().Should().NotContain("\"record\"").And.NotContain("\"classicRecord\"");
    }

    [Fact]
    public void Rows_about_different_records_with_the_same_values_are_equal_and_hash_alike()
    {
        var first = new Violation(ViolationKind.CallbackThrew, BugCheckPhase.SecondaryData, BugCheckCallbackReason.SecondaryDumpData, "twin.sys", 0, 1, "x")
        {
            Record = new BugCheckReasonCallbackRecord(),
        };
        var second = first with { Record = new BugCheckReasonCallbackRecord() };

        second.Record.Should().NotBeSameAs(first.Record);
        second.Should().Be(first);
        second.GetHashCode().Should().Be(first.GetHashCode());
        (first with { RecordIndex = 1 }).Should().NotBe(first);
    }
}
