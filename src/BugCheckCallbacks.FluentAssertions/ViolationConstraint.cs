using FluentAssertions;
using FluentAssertions.Execution;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Continues <c>HaveViolation(kind)</c>: narrows the violations of that kind found to a record or phase.</summary>
/// <typeparam name="TAssertions">The assertions it came from, for <see cref="And"/>.</typeparam>
public sealed class ViolationConstraint<TAssertions>
{
    private readonly ViolationKind _kind;
    private readonly IReadOnlyList<Violation> _all;
    private IReadOnlyList<Violation> _matching;

    internal ViolationConstraint(TAssertions parent, ViolationKind kind, IReadOnlyList<Violation> all, IReadOnlyList<Violation> matching)
    {
        And = parent;
        _kind = kind;
        _all = all;
        _matching = matching;
    }

    /// <summary>Gets the assertions this constraint came from, to chain more.</summary>
    public TAssertions And { get; }

    /// <summary>Gets the first violation that matched (of the kind, and of the record and phase when narrowed).</summary>
    public Violation Which => _matching.Count > 0 ? _matching[0] : throw new InvalidOperationException("No violation matched; the assertion already failed.");

    /// <summary>Asserts that a violation of the kind was committed by <paramref name="record"/>.</summary>
    /// <param name="record">The record (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>) expected to have committed it.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>This constraint, narrowed to that record.</returns>
    [CustomAssertion]
    public ViolationConstraint<TAssertions> By(BugCheckReasonCallbackRecord record, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Narrow(v => ReferenceEquals(v.Record, record), $"by {Describe.Record(record)}", because, becauseArgs);
    }

    /// <summary>Asserts that a violation of the kind was committed in <paramref name="phase"/>.</summary>
    /// <param name="phase">The phase.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>This constraint, narrowed to that phase.</returns>
    [CustomAssertion]
    public ViolationConstraint<TAssertions> InPhase(BugCheckPhase phase, string because = "", params object[] becauseArgs) =>
        Narrow(v => v.Phase == phase, $"in phase {phase}", because, becauseArgs);

    [CustomAssertion]
    private ViolationConstraint<TAssertions> Narrow(Func<Violation, bool> filter, string what, string because, object[] becauseArgs)
    {
        var narrowed = _matching.Where(filter).ToArray();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(narrowed.Length > 0)
            .FailWith($"Expected a {_kind} violation {Describe.Escape(what)}{{reason}}, but found {Describe.Escape(Describe.Violations(_all))}");
        _matching = narrowed;
        return this;
    }
}
