using FluentAssertions;
using FluentAssertions.Execution;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Continues <c>HaveCalled(record)</c>: counts the record's calls and places them in a phase.</summary>
public sealed class CallConstraint
{
    private readonly BugCheckReasonCallbackRecord _record;
    private readonly IReadOnlyList<CallbackInvocation> _all;
    private IReadOnlyList<CallbackInvocation> _selected;
    private int? _times;
    private BugCheckPhase? _phase; // the phase InPhase selected, if it came first

    internal CallConstraint(BugCheckOutcomeAssertions parent, BugCheckReasonCallbackRecord record, IReadOnlyList<CallbackInvocation> calls)
    {
        And = parent;
        _record = record;
        _all = calls;
        _selected = calls;
    }

    /// <summary>Gets the outcome's assertions, to chain more.</summary>
    public BugCheckOutcomeAssertions And { get; }

    /// <summary>Gets the calls selected so far, in call order.</summary>
    public IReadOnlyList<CallbackInvocation> Which => _selected;

    /// <summary>Asserts that the calls selected so far (all of the record's, or those of the phase <see cref="InPhase"/> chose) number <paramref name="expected"/>.</summary>
    /// <param name="expected">The number of calls.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>This constraint.</returns>
    [CustomAssertion]
    public CallConstraint Times(int expected, string because = "", params object[] becauseArgs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expected);
        _times = expected;
        // The count is of the calls selected: say which, and list those (then all of the record's when a phase narrowed them).
        var where = _phase is { } phase ? $" in phase {phase}" : string.Empty;
        var found = _phase is null ? Describe.Calls(_all) : $"{Describe.Calls(_selected)}; all its calls: {Describe.Calls(_all)}";
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(_selected.Count == expected)
            .FailWith($"Expected {Describe.Escape(Describe.Record(_record))} to be called {expected} time(s){where}{{reason}}, but it was called {_selected.Count} time(s){(where.Length == 0 ? string.Empty : " there")}: {Describe.Escape(found)}");
        return this;
    }

    /// <summary>Selects the record's calls in <paramref name="phase"/> and asserts there are some (as many as <see cref="Times"/> said, when it came first).</summary>
    /// <param name="phase">The phase.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>This constraint, selecting the calls of that phase.</returns>
    [CustomAssertion]
    public CallConstraint InPhase(BugCheckPhase phase, string because = "", params object[] becauseArgs)
    {
        var inPhase = _all.Where(call => call.Phase == phase).ToArray();
        var expected = _times is { } times ? $"{times} call(s)" : "calls";
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(_times is { } n ? inPhase.Length == n : inPhase.Length > 0)
            .FailWith($"Expected {expected} of {Describe.Escape(Describe.Record(_record))} in phase {phase}{{reason}}, but found {inPhase.Length} there among {Describe.Escape(Describe.Calls(_all))}");
        _selected = inPhase;
        _phase = phase;
        return this;
    }
}
