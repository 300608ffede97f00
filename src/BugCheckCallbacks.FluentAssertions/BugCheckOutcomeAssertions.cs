using FluentAssertions;
using FluentAssertions.Execution;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Assertions on a simulated bug check's <see cref="BugCheckOutcome"/>.</summary>
public sealed class BugCheckOutcomeAssertions : ViolationSubjectAssertions<BugCheckOutcome, BugCheckOutcomeAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The outcome.</param>
    public BugCheckOutcomeAssertions(BugCheckOutcome subject)
        : base(subject)
    {
    }

    /// <inheritdoc/>
    protected override string Identifier => "outcome";

    /// <inheritdoc/>
    protected override IReadOnlyList<Violation> Violations => Subject.Violations;

    /// <summary>Asserts that no violation of <paramref name="kind"/> was reported.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    [CustomAssertion]
    public AndConstraint<BugCheckOutcomeAssertions> NotHaveViolation(ViolationKind kind, string because = "", params object[] becauseArgs)
    {
        ViolationAssertions.NotHaveKind(Subject.Violations, kind, Identifier, because, becauseArgs);
        return new AndConstraint<BugCheckOutcomeAssertions>(this);
    }

    /// <summary>Asserts that <paramref name="record"/> was called at least once; count and place the calls with <c>Times(n)</c> and <c>InPhase(phase)</c>.</summary>
    /// <param name="record">The record (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>).</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint over the record's calls.</returns>
    /// <remarks>Needs the invocation log (<see cref="SimulationOptions.Log"/> not <see cref="InvocationLog.None"/>).</remarks>
    [CustomAssertion]
    public CallConstraint HaveCalled(BugCheckReasonCallbackRecord record, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(record);
        var calls = Subject.Invocations.Where(call => ReferenceEquals(call.Record, record)).ToArray();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(calls.Length > 0)
            .FailWith($"Expected {{context:outcome}} to have called {Describe.Escape(Describe.Record(record))}{{reason}}, but it was not called; the bug check made {Describe.Escape(Describe.Calls(Subject.Invocations))}");
        return new CallConstraint(this, record, calls);
    }

    /// <summary>Asserts that <paramref name="record"/> was never called.</summary>
    /// <param name="record">The record.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    [CustomAssertion]
    public AndConstraint<BugCheckOutcomeAssertions> NotHaveCalled(BugCheckReasonCallbackRecord record, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(record);
        var calls = Subject.Invocations.Where(call => ReferenceEquals(call.Record, record)).ToArray();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(calls.Length == 0)
            .FailWith($"Expected {{context:outcome}} not to have called {Describe.Escape(Describe.Record(record))}{{reason}}, but found {Describe.Escape(Describe.Calls(calls))}");
        return new AndConstraint<BugCheckOutcomeAssertions>(this);
    }

    /// <summary>Asserts that the records were first called in the given order (each one called).</summary>
    /// <param name="records">The records, in the order their first calls are expected.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is null.</exception>
    [CustomAssertion]
    public AndConstraint<BugCheckOutcomeAssertions> HaveCalledInOrder(IEnumerable<BugCheckReasonCallbackRecord> records, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(records);
        var expected = records.ToArray();
        var firstCalls = expected.Select(record => Subject.Invocations.FirstOrDefault(call => ReferenceEquals(call.Record, record))).ToArray();
        var actual = firstCalls.Where(call => call is not null).OrderBy(call => call!.Sequence).Select(call => Describe.Record(call!.Record));
        var inOrder = firstCalls.All(call => call is not null) && firstCalls.Zip(firstCalls.Skip(1)).All(pair => pair.First!.Sequence < pair.Second!.Sequence);
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(inOrder)
            .FailWith($"Expected {{context:outcome}} to have called {Describe.Escape(string.Join(", then ", expected.Select(Describe.Record)))}{{reason}}, but the first calls were {Describe.Escape(string.Join(", then ", actual))}{(firstCalls.Any(call => call is null) ? " (some were never called)" : string.Empty)}.");
        return new AndConstraint<BugCheckOutcomeAssertions>(this);
    }
}
