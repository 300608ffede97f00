using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class SimulationOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new SimulationOptions();
        options.DumpType.Should().Be(DumpType.Automatic);
        options.Order.Should().Be(CallbackOrder.NewestFirst);
        options.BuildNumber.Should().Be(26100);
        options.NumberOfProcessors.Should().Be(4);
        options.SystemTime.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        options.SecondaryDataBudget.Should().Be(0x400000);
        options.InBufferSize.Should().Be(4096);
        options.TriageMaxVirtMemSize.Should().Be(0x100000);
        options.MemoryMap.Should().BeSameAs(SimulatedMemoryMap.Default);
        options.RepeatCallBudget.Should().Be(1024);
        options.CallTimeBudget.Should().Be(TimeSpan.FromMilliseconds(250));
        options.SequentialDumpIo.Should().BeFalse();
        options.DetectAllocations.Should().BeTrue();
        options.Log.Should().Be(InvocationLog.Bounded);
        options.MaxLoggedCalls.Should().Be(10_000);
        options.TimeProvider.Should().BeSameAs(TimeProvider.System);
        options.HangTimeout.Should().Be(TimeSpan.FromSeconds(30));
        options.Tampering.Should().BeEmpty();
        new SimulationOptions { HangTimeout = Timeout.InfiniteTimeSpan }.Validate();
        options.Validate();
    }

    [Fact]
    public void With_changes_one_option_and_keeps_every_other()
    {
        var clock = new ManualClock();
        var options = new SimulationOptions { DumpType = DumpType.Full, RepeatCallBudget = 7, TimeProvider = clock };

        var varied = options with { Order = CallbackOrder.OldestFirst };

        varied.Should().NotBeSameAs(options);
        varied.Order.Should().Be(CallbackOrder.OldestFirst);
        options.Order.Should().Be(CallbackOrder.NewestFirst);
        (varied with { Order = CallbackOrder.NewestFirst }).Should().Be(options);
        varied.DumpType.Should().Be(DumpType.Full);
        varied.RepeatCallBudget.Should().Be(7);
        varied.TimeProvider.Should().BeSameAs(clock);
    }

    [Fact]
    public void Options_with_the_same_values_are_equal_and_differ_when_one_value_differs()
    {
        var options = new SimulationOptions { BuildNumber = 22631 };

        options.Should().Be(new SimulationOptions { BuildNumber = 22631 });
        options.GetHashCode().Should().Be(new SimulationOptions { BuildNumber = 22631 }.GetHashCode());
        options.Should().NotBe(options with { BuildNumber = 26100 });
    }

    [Fact]
    public void A_with_copy_that_breaks_a_rule_is_refused_by_the_kernel_as_a_whole()
    {
        var broken = new SimulationOptions() with { NumberOfProcessors = 0, RepeatCallBudget = 0 };

        var act = () => new SimulatedKernel(broken);

        act.Should().Throw<ArgumentException>()
            .WithMessage("*NumberOfProcessors 0*").WithMessage("*RepeatCallBudget 0*");
    }

    public static TheoryData<string, SimulationOptions> BrokenRules() => new()
    {
        { "DumpType", new SimulationOptions { DumpType = DumpType.Invalid } },
        { "DumpType", new SimulationOptions { DumpType = DumpType.Unknown } },
        { "DumpType", new SimulationOptions { DumpType = (DumpType)8 } },
        { "Order", new SimulationOptions { Order = (CallbackOrder)2 } },
        { "NumberOfProcessors", new SimulationOptions { NumberOfProcessors = 0 } },
        { "NumberOfProcessors", new SimulationOptions { NumberOfProcessors = 2049 } },
        { "SystemTime", new SimulationOptions { SystemTime = new DateTimeOffset(1600, 12, 31, 0, 0, 0, TimeSpan.Zero) } },
        { "InBufferSize", new SimulationOptions { InBufferSize = -1 } },
        { "TriageMaxVirtMemSize", new SimulationOptions { TriageMaxVirtMemSize = 0x02000001 } },
        { "MemoryMap", new SimulationOptions { MemoryMap = null! } },
        { "RepeatCallBudget", new SimulationOptions { RepeatCallBudget = 0 } },
        { "CallTimeBudget", new SimulationOptions { CallTimeBudget = TimeSpan.Zero } },
        { "Log", new SimulationOptions { Log = (InvocationLog)3 } },
        { "MaxLoggedCalls", new SimulationOptions { MaxLoggedCalls = -1 } },
        { "TimeProvider", new SimulationOptions { TimeProvider = null! } },
        { "HangTimeout", new SimulationOptions { HangTimeout = TimeSpan.Zero } },
        { "Tampering must not be null", new SimulationOptions { Tampering = null! } },
        { "Tampering[0] must not be null", new SimulationOptions { Tampering = [null!] } },
        { "Tampering[0] must name one record and a defined RecordTamperingKind (it has 0)", new SimulationOptions { Tampering = [RecordTampering.Of(new BugCheckReasonCallbackRecord(), 0)] } },
        { "Tampering[1] must name one record", new SimulationOptions { Tampering = [RecordTampering.Of(new BugCheckCallbackRecord(), RecordTamperingKind.Hidden), new RecordTampering { Kind = RecordTamperingKind.Hidden }] } },
        { "Tampering[0] must name one record", new SimulationOptions { Tampering = [new RecordTampering { Record = new(), ClassicRecord = new(), Kind = RecordTamperingKind.Hidden }] } },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void Validate_names_the_broken_option(string option, SimulationOptions options)
    {
        var act = () => new SimulatedKernel(options);
        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage($"*{option}*");
    }

    [Fact]
    public void Validate_lists_every_broken_rule_at_once()
    {
        var options = new SimulationOptions { NumberOfProcessors = 0, RepeatCallBudget = 0, DumpType = DumpType.Invalid };
        var act = options.Validate;
        act.Should().Throw<ArgumentException>().Which.Message.Should().ContainAll("NumberOfProcessors", "RepeatCallBudget", "DumpType");
    }
}
