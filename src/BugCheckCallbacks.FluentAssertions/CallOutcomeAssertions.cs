using FluentAssertions;
using FluentAssertions.Primitives;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Assertions on what one call of one callback did (<see cref="SimulatedKernel.Invoke{TData}"/>).</summary>
public sealed class CallOutcomeAssertions : ReferenceTypeAssertions<CallOutcome, CallOutcomeAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The call's outcome.</param>
    public CallOutcomeAssertions(CallOutcome subject)
        : base(subject)
    {
    }

    /// <inheritdoc/>
    protected override string Identifier => "call";

    /// <summary>Asserts that the call kept the contract; the failure lists every violation.</summary>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    [CustomAssertion]
    public AndConstraint<CallOutcomeAssertions> HaveNoViolations(string because = "", params object[] becauseArgs)
    {
        ViolationAssertions.HaveNone(Subject.Violations, Identifier, because, becauseArgs);
        return new AndConstraint<CallOutcomeAssertions>(this);
    }

    /// <summary>Asserts that the call committed a violation of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint over the violations of that kind.</returns>
    [CustomAssertion]
    public ViolationConstraint<CallOutcomeAssertions> HaveViolation(ViolationKind kind, string because = "", params object[] becauseArgs) =>
        ViolationAssertions.HaveKind(this, Subject.Violations, kind, Identifier, because, becauseArgs);
}
