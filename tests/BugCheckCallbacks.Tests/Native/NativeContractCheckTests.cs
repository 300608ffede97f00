using BugCheckCallbacks.Checking;
using BugCheckCallbacks.FluentAssertions;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Native;

/// <summary>The contract checker over a native driver: every situation loads a private copy of it into a kernel of its own.</summary>
[Collection(ManyBugChecks.Name)]
public sealed class NativeContractCheckTests
{
    private static readonly ContractCheckOptions s_options = new()
    {
        GeneratedSituations = 4,
        // Still the real clock (issue 43 moves it): the faulty Slow routine spins for 50 ms of the process's processor time,
        // at least 25 ms of wall time on two busy cores, so 20 ms keeps it over budget while a well-behaved routine that the
        // loaded machine deschedules for a few milliseconds stays under (at 10 ms one was caught, falsely, in a full run).
        Simulation = new SimulationOptions { CallTimeBudget = TimeSpan.FromMilliseconds(20), HangTimeout = TimeSpan.FromSeconds(5) },
    };

    [NativeFact]
    public void The_sample_driver_keeps_the_contract_in_every_situation_of_every_reason_it_registers()
    {
        var results = ContractChecker.CheckDriver(SampleDrivers.Storage, s_options with { GeneratedSituations = 8 });

        results.Select(r => r.Reason).Should().Equal(
            BugCheckCallbackReason.SecondaryDumpData, BugCheckCallbackReason.AddPages, BugCheckCallbackReason.SecondaryMultiPartDumpData, BugCheckCallbackReason.TriageDumpData);
        foreach (var result in results)
        {
            result.Should().HaveNoViolations();
        }

        results[0].Situations.Should().Contain(s => s.Name == "MaximumAllowed exact" && s.MaximumAllowed == 1024);
        results[2].Situations.Should().Contain(s => s.Name == "MaximumAllowed exact" && s.MaximumAllowed == 256);
        results.SelectMany(r => r.Situations).Should().NotContain(s => s.Instances > 1, "a driver is loaded once per situation");
    }

    [NativeFact]
    public void The_faulty_twin_is_caught_reason_by_reason_and_a_finding_replays()
    {
        var results = ContractChecker.CheckDriver(SampleDrivers.Faulty, s_options).ToDictionary(r => r.Reason);

        results[BugCheckCallbackReason.Reserved1].Kinds.Should().Equal(ViolationKind.TimeBudgetExceeded, ViolationKind.AllocatedMemory, ViolationKind.NestedBugCheck);
        results[BugCheckCallbackReason.SecondaryDumpData].Kinds.Should().Equal(
            ViolationKind.OutputExceedsMaximumAllowed, ViolationKind.OutputLengthExceedsBuffer, ViolationKind.MissingGuid, ViolationKind.DuplicateGuid, ViolationKind.InvalidPointer);
        results[BugCheckCallbackReason.SecondaryMultiPartDumpData].Kinds.Should().Equal(ViolationKind.MultiPartNoProgress);
        results[BugCheckCallbackReason.AddPages].Kinds.Should().Equal(ViolationKind.InvalidAddressFlags, ViolationKind.ZeroPageCount, ViolationKind.RangeOutsideMemoryMap);
        results[BugCheckCallbackReason.RemovePages].Kinds.Should().Equal(ViolationKind.RepeatProtocolNeverEnds);
        results[BugCheckCallbackReason.TriageDumpData].Kinds.Should().Equal(ViolationKind.TriageBlocksExceedMaxVirtMemSize, ViolationKind.TriageArrayOverflow);

        var finding = results[BugCheckCallbackReason.SecondaryDumpData].Findings.First(f => f.Violation.Kind == ViolationKind.InvalidPointer);
        var replay = ContractChecker.ReplayDriver(SampleDrivers.Faulty, finding.Situation, s_options);
        replay.Findings.Select(f => f.Violation).Should().Contain(finding.Violation);
    }

    [Fact]
    public void CheckDriver_rejects_a_missing_library_before_running_anything()
    {
        var act = () => ContractChecker.CheckDriver(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.so"));
        var nullPath = () => ContractChecker.CheckDriver(null!);

        act.Should().Throw<FileNotFoundException>();
        nullPath.Should().Throw<ArgumentNullException>().WithParameterName("path");
    }
}
