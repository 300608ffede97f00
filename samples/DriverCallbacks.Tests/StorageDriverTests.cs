using BugCheckCallbacks;
using BugCheckCallbacks.Checking;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.FluentAssertions;
using BugCheckCallbacks.Simulation;

namespace DriverCallbacks.Tests;

public sealed class StorageDriverTests
{
    private static readonly SimulationOptions s_options = new() { DumpType = DumpType.Automatic };
    private readonly StorageDriver _driver = new(Guid.Parse("8d0f3c52-9a41-4b7e-a1c3-2e5f6a7b8c9d"), Guid.Parse("0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5"));

    [Fact]
    public void The_sizing_pass_asks_for_the_whole_log()
    {
        var kernel = new SimulatedKernel(s_options);
        _driver.Register(kernel.Callbacks);

        var call = kernel.Invoke(_driver.LogRecord, SecondaryDumpData.ForSizeQuery(maximumAllowed: 0x10000));

        call.Should().HaveNoViolations();
        call.Data.OutBufferLength.Should().Be(1024);
    }

    [Theory]
    [InlineData(0u, false)]
    [InlineData(1023u, false)]
    [InlineData(1024u, true)]
    public void The_data_pass_returns_the_log_only_when_it_fits(uint maximumAllowed, bool returned)
    {
        var kernel = new SimulatedKernel(s_options);
        _driver.Register(kernel.Callbacks);

        var call = kernel.Invoke(_driver.LogRecord, SecondaryDumpData.ForDataPass(maximumAllowed));

        call.Should().HaveNoViolations();
        (call.Blob is not null).Should().Be(returned);
    }

    [Fact]
    public void A_bug_check_writes_the_log_the_ring_and_the_state_page_without_violations()
    {
        var kernel = new SimulatedKernel(s_options);
        _driver.Register(kernel.Callbacks);
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0x000000D1, 0x10, 2, 0, 0xFFFFF80012345678, sink);

        outcome.Should().HaveNoViolations();
        outcome.Should().HaveCalled(_driver.LogRecord).Times(2); // the sizing pass, before the header, then the data pass
        outcome.Should().HaveCalled(_driver.LogRecord).InPhase(BugCheckPhase.SecondaryDataSizing).Times(1);
        outcome.Should().HaveCalled(_driver.RingRecord).Times(4);
        outcome.Should().HaveCalledInOrder([_driver.StateRecord, _driver.LogRecord, _driver.RingRecord]);
        sink.Should().ContainTag(_driver.LogTag).WithData(_driver.Log.Span);
        _driver.LogRecord.Should().BeInState(BufferDumpState.Finished);
    }

    [Fact]
    public void A_Full_dump_with_a_small_region_drops_the_log_but_stays_within_the_contract()
    {
        var kernel = new SimulatedKernel(s_options with { DumpType = DumpType.Full, SecondaryDataBudget = 0x200 });
        _driver.Register(kernel.Callbacks);
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0xE2, sink: sink);

        outcome.Should().HaveNoViolations();
        sink.Should().NotContainTag(_driver.LogTag);
    }

    [Fact]
    public void Every_callback_keeps_the_contract_in_every_situation()
    {
        // One storage device, one registration: the tags need not differ between instances.
        var options = new ContractCheckOptions { IncludeSecondInstance = false, Seed = 2026 };

        ContractChecker.Check<SecondaryDumpData>(_driver.OnSecondaryData, options).Should().HaveNoViolations();
        ContractChecker.Check<SecondaryDumpDataEx>(_driver.OnRingPart, options).Should().HaveNoViolations();
        ContractChecker.Check<AddPagesData>(_driver.OnAddPages, options).Should().HaveNoViolations();
    }

    [Fact]
    public void The_checker_catches_a_callback_that_ignores_MaximumAllowed()
    {
        var log = _driver.Log;
        var tag = _driver.LogTag;

        var result = ContractChecker.Check<SecondaryDumpData>((_, data) =>
        {
            data.Guid = tag;
            data.SetOutput(log); // whatever MaximumAllowed says
        });

        result.Should().HaveViolation(ViolationKind.OutputExceedsMaximumAllowed)
            .Which.Situation.MaximumAllowed.Should().BeLessThan(1024);
    }
}
