using FluentAssertions;
using FluentAssertions.Execution;
using FluentAssertions.Primitives;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Assertions on a <see cref="BugCheckReasonCallbackRecord"/> (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>).</summary>
public sealed class RecordAssertions : ReferenceTypeAssertions<BugCheckReasonCallbackRecord, RecordAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The record.</param>
    public RecordAssertions(BugCheckReasonCallbackRecord subject)
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
        var actual = Subject.State;
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(actual == expected)
            .FailWith($"Expected {Describe.Escape(Describe.Record(Subject))} to be {expected}{{reason}}, but it is {actual}.");
        return new AndConstraint<RecordAssertions>(this);
    }
}
