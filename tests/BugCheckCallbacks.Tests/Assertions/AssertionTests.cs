using BugCheckCallbacks.Checking;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.FluentAssertions;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;
using Xunit.Sdk;

namespace BugCheckCallbacks.Tests.Assertions;

/// <summary>The BugCheckCallbacks.FluentAssertions package: each assertion passes when it should, and fails with a message that shows what happened.</summary>
public sealed class AssertionTests
{
    private readonly Guid _tag = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private readonly byte[] _log = [1, 2, 3, 4, 5, 6, 7, 8];
    private readonly SimulatedKernel _kernel = new(new SimulationOptions { DumpType = DumpType.Summary });
    private readonly BugCheckReasonCallbackRecord _good = new();
    private readonly BugCheckReasonCallbackRecord _greedy = new();
    private readonly BugCheckReasonCallbackRecord _pages = new();
    private readonly BugCheckReasonCallbackRecord _idle = new();
    private readonly InMemoryDumpSink _sink = new();
    private readonly BugCheckOutcome _outcome;

    public AssertionTests()
    {
        _kernel.Callbacks.RegisterSecondaryDumpData(_good, (_, d) => { d.Guid = _tag; d.SetOutput(_log); }, "good.sys");
        _kernel.Callbacks.RegisterSecondaryDumpData(_greedy, (_, d) => { d.Guid = Guid.NewGuid(); d.OutBufferLength = d.IsSizeQuery ? 8 : d.MaximumAllowed + 1; }, "greedy.sys"); // honest when sized, greedy after
        _kernel.Callbacks.RegisterAddPages(_pages, (_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.PhysicalAddress, 0x100000, 1), "pages.sys");
        _kernel.Callbacks.RegisterTriageDumpData(_idle, (_, _) => { }, "idle.sys"); // a Summary dump calls no triage routine
        _outcome = _kernel.KeBugCheckEx(0xE2, sink: _sink);
    }

    [Fact]
    public void HaveViolation_By_and_InPhase_pass_for_the_violation_the_record_committed()
    {
        _outcome.Should().HaveViolation(ViolationKind.OutputExceedsMaximumAllowed).By(_greedy).InPhase(BugCheckPhase.SecondaryData)
            .Which.Component.Should().Be("greedy.sys");
        _outcome.Should().NotHaveViolation(ViolationKind.MissingGuid);
    }

    [Fact]
    public void HaveNoViolations_fails_listing_every_violation()
    {
        var act = () => _outcome.Should().HaveNoViolations("the {0} driver is fixed", "greedy");

        act.Should().Throw<XunitException>().WithMessage(
            "Expected *outcome to have no violations because the greedy driver is fixed, but found 1 violation(s):*BCV0004 OutputExceedsMaximumAllowed [SecondaryData] greedy.sys #0 call 2: OutBufferLength 0x*exceeds MaximumAllowed*");
    }

    [Fact]
    public void HaveViolation_fails_showing_the_violations_there_were()
    {
        var act = () => _outcome.Should().HaveViolation(ViolationKind.MissingGuid);

        act.Should().Throw<XunitException>().WithMessage("Expected *outcome to have a BCV0006 MissingGuid violation, but found 1 violation(s):*BCV0004 OutputExceedsMaximumAllowed*greedy.sys*");
    }

    [Fact]
    public void By_fails_naming_the_record_and_showing_who_committed_the_violations()
    {
        var act = () => _outcome.Should().HaveViolation(ViolationKind.OutputExceedsMaximumAllowed).By(_good);

        act.Should().Throw<XunitException>().WithMessage("Expected a OutputExceedsMaximumAllowed violation by the SecondaryDumpData record of good.sys, but found 1 violation(s):*greedy.sys*");
    }

    [Fact]
    public void InPhase_of_a_violation_fails_naming_the_phase()
    {
        var act = () => _outcome.Should().HaveViolation(ViolationKind.OutputExceedsMaximumAllowed).InPhase(BugCheckPhase.AddPages);

        act.Should().Throw<XunitException>().WithMessage("Expected a OutputExceedsMaximumAllowed violation in phase AddPages, but found*");
    }

    [Fact]
    public void NotHaveViolation_fails_listing_the_violations_of_the_kind()
    {
        var act = () => _outcome.Should().NotHaveViolation(ViolationKind.OutputExceedsMaximumAllowed);

        act.Should().Throw<XunitException>().WithMessage("Expected *outcome to have no OutputExceedsMaximumAllowed violation, but found 1 violation(s):*greedy.sys*");
    }

    [Fact]
    public void HaveCalled_Times_and_InPhase_pass_for_the_calls_made()
    {
        _outcome.Should().HaveCalled(_good).Times(2);
        _outcome.Should().HaveCalled(_good).InPhase(BugCheckPhase.SecondaryDataSizing).Times(1);
        _outcome.Should().HaveCalled(_good).InPhase(BugCheckPhase.SecondaryData).Times(1);
        _outcome.Should().HaveCalled(_pages).InPhase(BugCheckPhase.AddPages).Times(1)
            .Which.Should().ContainSingle().Which.BytesProduced.Should().Be(4096);
        _outcome.Should().NotHaveCalled(_idle);
    }

    [Fact]
    public void HaveCalled_fails_for_a_record_never_called_and_lists_the_calls_made()
    {
        var act = () => _outcome.Should().HaveCalled(_idle, "triage data is {0}", "wanted");

        act.Should().Throw<XunitException>().WithMessage("Expected *outcome to have called the TriageDumpData record of idle.sys because triage data is wanted, but it was not called; the bug check made 5 call(s):*#0 AddPages pages.sys #0 call 1, 4096 bytes, Inserted*");
    }

    [Fact]
    public void Times_fails_showing_every_call_of_the_record()
    {
        var act = () => _outcome.Should().HaveCalled(_good).Times(3);

        act.Should().Throw<XunitException>().WithMessage("Expected the SecondaryDumpData record of good.sys to be called 3 time(s), but it was called 2 time(s): 2 call(s):*SecondaryDataSizing Sizing pass good.sys*SecondaryData Data pass good.sys*");
    }

    [Fact]
    public void Times_after_InPhase_says_the_count_is_of_that_phase_and_lists_its_calls()
    {
        var act = () => _outcome.Should().HaveCalled(_good).InPhase(BugCheckPhase.SecondaryData).Times(2);

        act.Should().Throw<XunitException>().WithMessage("Expected the SecondaryDumpData record of good.sys to be called 2 time(s) in phase SecondaryData, but it was called 1 time(s) there: 1 call(s):*SecondaryData Data pass good.sys*; all its calls: 2 call(s):*");
    }

    /// <summary>
    /// Every assertion a user can write takes a reason, as FluentAssertions' own do: the last two parameters of each public
    /// method marked [CustomAssertion] are <c>string because</c> and <c>params object[] becauseArgs</c>.
    /// </summary>
    [Fact]
    public void Every_assertion_method_takes_because_and_becauseArgs()
    {
        var assembly = typeof(BugCheckCallbacks.FluentAssertions.BugCheckOutcomeAssertions).Assembly;
        var methods = assembly.GetExportedTypes()
            .SelectMany(type => type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly))
            .Where(method => method.IsDefined(typeof(global::FluentAssertions.CustomAssertionAttribute), inherit: false))
            .ToArray();

        methods.Should().HaveCountGreaterThan(10, "the package's assertions are found");
        foreach (var method in methods)
        {
            var parameters = method.GetParameters();
            parameters.Length.Should().BeGreaterThanOrEqualTo(2, $"{method.DeclaringType!.Name}.{method.Name}");
            var (because, args) = (parameters[^2], parameters[^1]);
            (because.Name, because.ParameterType, because.HasDefaultValue).Should().Be(("because", typeof(string), true), $"{method.DeclaringType!.Name}.{method.Name}");
            (args.Name, args.ParameterType, args.IsDefined(typeof(ParamArrayAttribute), false)).Should().Be(("becauseArgs", typeof(object[]), true), $"{method.DeclaringType!.Name}.{method.Name}");
        }
    }

    [Fact]
    public void InPhase_of_calls_fails_when_the_counted_calls_are_not_there()
    {
        var act = () => _outcome.Should().HaveCalled(_good).Times(2).InPhase(BugCheckPhase.DumpBody);

        act.Should().Throw<XunitException>().WithMessage("Expected 2 call(s) of the SecondaryDumpData record of good.sys in phase DumpBody, but found 0 there among 2 call(s):*");
    }

    [Fact]
    public void NotHaveCalled_fails_listing_the_calls()
    {
        var act = () => _outcome.Should().NotHaveCalled(_pages);

        act.Should().Throw<XunitException>().WithMessage("Expected *outcome not to have called the AddPages record of pages.sys, but found 1 call(s):*AddPages pages.sys*");
    }

    [Fact]
    public void HaveCalledInOrder_passes_in_dispatch_order_and_fails_showing_the_actual_order()
    {
        // Newest first: greedy was registered after good, so it is called first.
        _outcome.Should().HaveCalledInOrder([_pages, _greedy, _good]);
        var wrong = () => _outcome.Should().HaveCalledInOrder([_good, _greedy]);
        var missing = () => _outcome.Should().HaveCalledInOrder([_pages, _idle]);

        wrong.Should().Throw<XunitException>().WithMessage("Expected *outcome to have called the SecondaryDumpData record of good.sys, then the SecondaryDumpData record of greedy.sys, but the first calls were the SecondaryDumpData record of greedy.sys, then the SecondaryDumpData record of good.sys.");
        missing.Should().Throw<XunitException>().WithMessage("*(some were never called).");
    }

    [Fact]
    public void ContainTag_WithData_pass_for_the_blob_in_the_dump_and_fail_on_the_first_differing_byte()
    {
        _sink.Should().ContainTag(_tag).WithData(_log).Which.Should().HaveCount(8);
        using var file = DumpFile.Open(new MemoryStream(_sink.ToArray()));
        file.Should().ContainTag(_tag).WithData(_log);
        _sink.Should().NotContainTag(Guid.Empty);

        var differs = () => _sink.Should().ContainTag(_tag).WithData([1, 2, 3, 9, 5, 6, 7, 8]);
        var shorter = () => _sink.Should().ContainTag(_tag).WithData([1, 2, 3]);

        differs.Should().Throw<XunitException>().WithMessage("Expected the blob tagged {11111111-2222-3333-4444-555555555555} to hold the expected data, but byte 0x3 is 0x04 where 0x09 was expected (8 bytes held, 3 expected)*".Replace("3 expected", "8 expected", StringComparison.Ordinal));
        shorter.Should().Throw<XunitException>().WithMessage("*but it holds 8 bytes where 3 were expected.");
    }

    [Fact]
    public void HaveCalledInOrder_takes_a_reason_and_a_list()
    {
        _outcome.Should().HaveCalledInOrder([_pages, _greedy, _good], "newest first");
        var wrong = () => _outcome.Should().HaveCalledInOrder([_good, _greedy], "the {0} registered first is called last", "one");

        wrong.Should().Throw<XunitException>().WithMessage("Expected *outcome to have called the SecondaryDumpData record of good.sys, then the SecondaryDumpData record of greedy.sys because the one registered first is called last, but the first calls were*");
        _outcome.Invoking(o => o.Should().HaveCalledInOrder((IEnumerable<BugCheckReasonCallbackRecord>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("records");
    }

    [Fact]
    public void A_nullable_record_from_an_outcome_row_takes_Should_and_a_null_one_fails_with_a_message()
    {
        BugCheckReasonCallbackRecord? fromRow = _outcome.Invocations.First(c => ReferenceEquals(c.Record, _good)).Record;
        fromRow.Should().BeSameAs(_good); // no CS8604: Record properties are nullable
        BugCheckReasonCallbackRecord? none = null;
        none.Should().BeNull();
        var act = () => none.Should().BeInState(BufferDumpState.Finished, "it ran");

        act.Should().Throw<XunitException>().WithMessage("Expected * to be Finished because it ran, but it is <null>.", "FluentAssertions names the subject from the source when it can find it, else the record");
    }

    [Fact]
    public void WithData_takes_the_driver_s_buffer_as_memory()
    {
        ReadOnlyMemory<byte> buffer = _log;
        _sink.Should().ContainTag(_tag).WithData(buffer);
        var act = () => _sink.Should().ContainTag(_tag).WithData(buffer[..4], "only {0} bytes", 4);

        act.Should().Throw<XunitException>().WithMessage("*because only 4 bytes, but it holds 8 bytes where 4 were expected.");
    }

    [Fact]
    public void ContainTag_fails_listing_the_tags_the_dump_holds()
    {
        var act = () => _sink.Should().ContainTag(Guid.Empty);
        var not = () => _sink.Should().NotContainTag(_tag);

        act.Should().Throw<XunitException>().WithMessage("Expected * to contain tag {00000000-0000-0000-0000-000000000000}, but it holds 1 tag(s): {11111111-2222-3333-4444-555555555555} (8 bytes).");
        not.Should().Throw<XunitException>().WithMessage("Expected * not to contain tag {11111111-2222-3333-4444-555555555555}, but it does.");
    }

    [Fact]
    public void BeInState_passes_for_the_state_and_fails_naming_both()
    {
        _good.Should().BeInState(BufferDumpState.Finished);
        var act = () => _idle.Should().BeInState(BufferDumpState.Finished, "it was registered");

        act.Should().Throw<XunitException>().WithMessage("Expected the TriageDumpData record of idle.sys to be Finished because it was registered, but it is Inserted.");
    }

    [Fact]
    public void A_single_call_has_the_same_violation_assertions()
    {
        var kernel = new SimulatedKernel();
        var record = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.RegisterSecondaryDumpData(record, (_, d) => d.SetOutput(_log), "untagged.sys");

        var call = kernel.Invoke(record, SecondaryDumpData.ForDataPass(0x100));
        var act = () => call.Should().HaveNoViolations();

        call.Should().HaveViolation(ViolationKind.MissingGuid).By(record);
        act.Should().Throw<XunitException>().WithMessage("Expected call to have no violations, but found 1 violation(s):*BCV0006 MissingGuid [SecondaryData] untagged.sys #0 call 1: 0x8 bytes were returned with an empty Guid*");
    }

    [Fact]
    public void A_contract_check_asserts_clean_or_shows_the_first_finding_per_kind()
    {
        var clean = ContractChecker.CheckReserved1(_ => { }, new ContractCheckOptions { GeneratedSituations = 0 });
        var faulty = ContractChecker.CheckReserved1(_ => throw new InvalidOperationException("bad"), new ContractCheckOptions { GeneratedSituations = 0 });

        clean.Should().HaveNoViolations();
        faulty.Should().HaveViolation(ViolationKind.CallbackThrew).Which.Situation.Name.Should().Be("defaults"); // the first of 14
        var act = () => faulty.Should().HaveNoViolations();
        var missing = () => clean.Should().HaveViolation(ViolationKind.AllocatedMemory);

        act.Should().Throw<XunitException>().WithMessage("Expected the callback to keep the contract, but the check found Reserved1 callback, 14 situations (seed 1): 14 violation(s).*BCV0001 CallbackThrew in 14 situation(s), first: BCV0001 CallbackThrew (Entry, call 1): System.InvalidOperationException: bad — in defaults: Full dump*");
        missing.Should().Throw<XunitException>().WithMessage("Expected the contract check to find a BCV0003 AllocatedMemory violation, but it found Reserved1 callback, 14 situations (seed 1): no violations.");
    }
}
