using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>
/// BCV0003's verdicts (docs/verifier.md, "Why BCV0003 is exact"): exact when the runtime did not suspend the thread during
/// the call; when it did, a counter that moved by no more than one allocation context is inconclusive, never a violation.
/// The suspensions here are the callback's own collections, so each verdict is certain to meet one.
/// </summary>
public sealed class AllocationVerdictTests
{
    private static object? s_escape;

    public static TheoryData<string, BugCheckReasonCallback> InnocentCollections => new()
    {
        { "gen0", (_, _, _) => GC.Collect(0) },
        { "gen1", (_, _, _) => GC.Collect(1) },
        { "full, blocking", (_, _, _) => GC.Collect() },
        { "full, compacting", (_, _, _) => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true) },
        { "background when it can", (_, _, _) => GC.Collect(2, GCCollectionMode.Forced, blocking: false) },
        { "optimized", (_, _, _) => GC.Collect(2, GCCollectionMode.Optimized) },
    };

    [Theory]
    [MemberData(nameof(InnocentCollections))]
    public void A_call_that_allocates_nothing_is_never_accused_whatever_collection_falls_inside_it(string collection, BugCheckReasonCallback callback)
    {
        for (var run = 0; run < 5; run++)
        {
            var outcome = BugCheck(callback, callbacks: 8);
            outcome.Violations.Should().BeEmpty("a {0} collection inside a call is not the call's allocation", collection);
            outcome.Invocations.Should().HaveCount(8);
        }
    }

    [Theory]
    [InlineData(24)]
    [InlineData(1_000)]
    [InlineData(8_000)]
    public void A_small_allocation_with_a_collection_inside_the_call_is_inconclusive_not_a_violation(int bytes)
    {
        var outcome = BugCheck((_, _, _) =>
        {
            s_escape = new byte[bytes];
            GC.Collect(0);
        });

        outcome.Violations.Should().BeEmpty();
        var verdict = outcome.Inconclusive.Should().ContainSingle().Subject;
        (verdict.Kind, verdict.Code, verdict.Phase, verdict.Reason, verdict.Component, verdict.CallNumber)
            .Should().Be((ViolationKind.AllocatedMemory, "BCV0003", BugCheckPhase.Entry, BugCheckCallbackReason.Reserved1, "c0.sys", 1));
        verdict.Detail.Should().Contain("suspended the thread").And.Contain("may have allocated nothing");
        verdict.ToString().Should().StartWith("BCV0003 AllocatedMemory inconclusive [Entry] c0.sys #0 call 1: ");
        s_escape.Should().NotBeNull();
    }

    [Fact]
    public void An_allocation_larger_than_an_allocation_context_is_a_violation_even_with_a_collection_inside_the_call()
    {
        var outcome = BugCheck((_, _, _) =>
        {
            s_escape = new byte[64 * 1024];
            GC.Collect(0);
        });

        outcome.Inconclusive.Should().BeEmpty();
        outcome.Violations.Should().ContainSingle(v => v.Kind == ViolationKind.AllocatedMemory)
            .Which.Detail.Should().MatchRegex("allocated [0-9]+ bytes");
    }

    [Fact]
    public void The_single_call_API_reports_an_inconclusive_verdict_apart_from_its_violations()
    {
        var kernel = new SimulatedKernel();
        var record = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.Register(record, (_, _, _) =>
        {
            s_escape = new object();
            GC.Collect(0);
        }, BugCheckCallbackReason.Reserved1, "one.sys").Should().BeTrue();

        var call = kernel.Invoke(record);

        call.Violations.Should().BeEmpty();
        call.Inconclusive.Should().ContainSingle().Which.Component.Should().Be("one.sys");
    }

    [Fact]
    public void Inconclusive_verdicts_survive_the_JSON_report_and_an_old_report_reads_as_none()
    {
        var outcome = BugCheck((_, _, _) =>
        {
            s_escape = new object();
            GC.Collect(0);
        });
        var json = outcome.ToJson();

        json.Should().Contain("\"inconclusive\": [");
        BugCheckOutcome.FromJson(json).Inconclusive.Should().Equal(outcome.Inconclusive);
        var old = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        old.Remove("inconclusive");
        BugCheckOutcome.FromJson(old.ToJsonString()).Inconclusive.Should().BeEmpty();
        var bad = json.Replace("\"component\": \"c0.sys\"", "\"component\": null", StringComparison.Ordinal);
        FluentActions.Invoking(() => BugCheckOutcome.FromJson(bad)).Should().Throw<System.Text.Json.JsonException>();
    }

    private static BugCheckOutcome BugCheck(BugCheckReasonCallback callback, int callbacks = 1)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Header });
        for (var i = 0; i < callbacks; i++)
        {
            kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), callback, BugCheckCallbackReason.Reserved1, $"c{i}.sys").Should().BeTrue();
        }

        return kernel.KeBugCheckEx(0xD1);
    }
}
