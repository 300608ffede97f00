using FluentAssertions;
using FluentAssertions.Execution;
using FluentAssertions.Primitives;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Assertions on a <see cref="BugCheckReasonCallbackRecord"/> (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>).</summary>
public sealed class RecordAssertions : ReferenceTypeAssertions<BugCheckReasonCallbackRecord?, RecordAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The record, or null (every assertion but <c>BeNull</c> then fails with a message).</param>
    public RecordAssertions(BugCheckReasonCallbackRecord? subject)
        : base(subject)
    {
    }

    /// <inheritdoc/>
    protected override string Identifier => "record";

    /// <summary>Asserts that the record's <c>State</c> is <paramref name="expected"/> (<c>KBUGCHECK_BUFFER_DUMP_STATE</c>).</summary>
    /// <param name="expected">The state.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    [CustomAssertion]
    public AndConstraint<RecordAssertions> BeInState(BufferDumpState expected, string because = "", params object[] becauseArgs)
    {
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(Subject is not null)
            .FailWith($"Expected {{context:record}} to be {expected}{{reason}}, but it is <null>.")
            .Then
            .ForCondition(Subject?.State == expected)
            .FailWith($"Expected {Describe.Escape(Subject is null ? "the record" : Describe.Record(Subject))} to be {expected}{{reason}}, but it is {Subject?.State}.");
        return new AndConstraint<RecordAssertions>(this);
    }
}
