using FluentAssertions;
using FluentAssertions.Primitives;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>
/// The assertions on anything that reports contract violations — a whole bug check's outcome, one call's: none at all,
/// or one of a kind.
/// </summary>
/// <typeparam name="TSubject">The type that reports the violations.</typeparam>
/// <typeparam name="TAssertions">The assertions type that derives from this one.</typeparam>
public abstract class ViolationSubjectAssertions<TSubject, TAssertions> : ReferenceTypeAssertions<TSubject, TAssertions>
    where TAssertions : ViolationSubjectAssertions<TSubject, TAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The subject.</param>
    protected ViolationSubjectAssertions(TSubject subject)
        : base(subject)
    {
    }

    /// <summary>Gets the violations the subject reports.</summary>
    protected abstract IReadOnlyList<Violation> Violations { get; }

    /// <summary>Asserts that the subject kept the contract; the failure lists every violation.</summary>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    [CustomAssertion]
    public AndConstraint<TAssertions> HaveNoViolations(string because = "", params object[] becauseArgs)
    {
        ViolationAssertions.HaveNone(Violations, Identifier, because, becauseArgs);
        return new AndConstraint<TAssertions>((TAssertions)this);
    }

    /// <summary>Asserts that a violation of <paramref name="kind"/> was reported; narrow it with <c>By(record)</c> or <c>InPhase(phase)</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint over the violations of that kind.</returns>
    [CustomAssertion]
    public ViolationConstraint<TAssertions> HaveViolation(ViolationKind kind, string because = "", params object[] becauseArgs) =>
        ViolationAssertions.HaveKind((TAssertions)this, Violations, kind, Identifier, because, becauseArgs);
}
