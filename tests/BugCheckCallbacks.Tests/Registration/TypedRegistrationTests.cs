using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Registration;

public sealed class TypedRegistrationTests
{
    private delegate bool Registration(BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, Action<object?> onCall, string component);

    /// <summary>Each typed method, the reason it fixes and the data type its routine is handed (none for Reserved1).</summary>
    private static readonly Dictionary<string, (BugCheckCallbackReason Reason, Type? Data, Registration Register)> s_methods = new()
    {
        ["RegisterReserved1"] = (BugCheckCallbackReason.Reserved1, null, (g, r, on, c) => g.RegisterReserved1(r, _ => on(null), c)),
        ["RegisterSecondaryDumpData"] = (BugCheckCallbackReason.SecondaryDumpData, typeof(SecondaryDumpData), (g, r, on, c) => g.RegisterSecondaryDumpData(r, (_, d) => on(d), c)),
        ["RegisterSecondaryMultiPartDumpData"] = (BugCheckCallbackReason.SecondaryMultiPartDumpData, typeof(SecondaryDumpDataEx), (g, r, on, c) => g.RegisterSecondaryMultiPartDumpData(r, (_, d) => on(d), c)),
        ["RegisterDumpIo"] = (BugCheckCallbackReason.DumpIo, typeof(DumpIoData), (g, r, on, c) => g.RegisterDumpIo(r, (_, d) => on(d), c)),
        ["RegisterAddPages"] = (BugCheckCallbackReason.AddPages, typeof(AddPagesData), (g, r, on, c) => g.RegisterAddPages(r, (_, d) => on(d), c)),
        ["RegisterRemovePages"] = (BugCheckCallbackReason.RemovePages, typeof(RemovePagesData), (g, r, on, c) => g.RegisterRemovePages(r, (_, d) => on(d), c)),
        ["RegisterTriageDumpData"] = (BugCheckCallbackReason.TriageDumpData, typeof(TriageDumpData), (g, r, on, c) => g.RegisterTriageDumpData(r, (_, d) => on(d), c)),
    };

    public static TheoryData<string> Methods() => [.. s_methods.Keys];

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_typed_routine_is_registered_for_its_reason_and_called_with_its_data_uncast(string method)
    {
        var (reason, dataType, register) = s_methods[method];
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        var record = new BugCheckReasonCallbackRecord();
        var seen = new List<Type?>();

        register(kernel.Callbacks, record, data => seen.Add(data?.GetType()), "typed.sys").Should().BeTrue();
        (record.Reason, record.Component, record.State).Should().Be((reason, "typed.sys", BufferDumpState.Inserted));
        var outcome = kernel.KeBugCheckEx(0xD1);

        // A page routine that adds no range is a protocol violation of its own; what matters here is that no call faulted.
        outcome.Violations.Should().NotContain(v => v.Kind == ViolationKind.CallbackThrew);
        seen.Should().NotBeEmpty().And.OnlyContain(t => t == dataType);
        outcome.Invocations.Should().OnlyContain(i => i.Record == record && i.Reason == reason);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_typed_method_returns_false_for_a_record_already_registered_like_Register(string method)
    {
        var register = s_methods[method].Register;
        var registry = new BugCheckCallbackRegistry();
        var record = new BugCheckReasonCallbackRecord();

        register(registry, record, _ => { }, "a.sys").Should().BeTrue();
        register(registry, record, _ => { }, "b.sys").Should().BeFalse();

        record.Component.Should().Be("a.sys");
        registry.Count.Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_typed_method_names_each_null_argument_and_registers_nothing(string method)
    {
        var register = s_methods[method].Register;
        var registry = new BugCheckCallbackRegistry();

        FluentActions.Invoking(() => register(null!, new BugCheckReasonCallbackRecord(), _ => { }, "x.sys"))
            .Should().Throw<ArgumentNullException>().WithParameterName("registry");
        FluentActions.Invoking(() => register(registry, null!, _ => { }, "x.sys"))
            .Should().Throw<ArgumentNullException>().WithParameterName("record");
        FluentActions.Invoking(() => register(registry, new BugCheckReasonCallbackRecord(), _ => { }, null!))
            .Should().Throw<ArgumentNullException>().WithParameterName("component");
        registry.Count.Should().Be(0);
    }

    [Fact]
    public void A_null_typed_routine_is_refused_by_name()
    {
        var registry = new BugCheckCallbackRegistry();
        var record = new BugCheckReasonCallbackRecord();

        FluentActions.Invoking(() => registry.RegisterSecondaryDumpData(record, null!, "x.sys"))
            .Should().Throw<ArgumentNullException>().WithParameterName("callback");
        FluentActions.Invoking(() => registry.RegisterReserved1(record, null!, "x.sys"))
            .Should().Throw<ArgumentNullException>().WithParameterName("callback");
        record.State.Should().Be(BufferDumpState.Empty);
    }

    [Fact]
    public void A_typed_routine_dispatched_by_hand_with_the_wrong_data_faults_with_a_message_naming_both_types()
    {
        var registry = new BugCheckCallbackRegistry();
        var record = new BugCheckReasonCallbackRecord();
        registry.RegisterAddPages(record, (_, _) => { }, "pages.sys");

        var results = registry.Dispatch(BugCheckCallbackReason.AddPages, null);

        results.Should().ContainSingle().Which.Exception.Should().BeOfType<InvalidOperationException>()
            .Which.Message.Should().Contain("AddPages").And.Contain(nameof(AddPagesData)).And.Contain("no data");
    }
}
