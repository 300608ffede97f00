using FluentAssertions;
using FluentAssertions.Execution;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>The violation assertions a bug check's outcome and a single call share.</summary>
internal static class ViolationAssertions
{
    [CustomAssertion]
    public static void HaveNone(IReadOnlyList<Violation> violations, string subject, string because, object[] becauseArgs) =>
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(violations.Count == 0)
            .FailWith($"Expected {{context:{subject}}} to have no violations{{reason}}, but found {Describe.Escape(Describe.Violations(violations))}");

    [CustomAssertion]
    public static ViolationConstraint<TAssertions> HaveKind<TAssertions>(TAssertions parent, IReadOnlyList<Violation> violations, ViolationKind kind, string subject, string because, object[] becauseArgs)
    {
        var matching = violations.Where(v => v.Kind == kind).ToArray();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(matching.Length > 0)
            .FailWith($"Expected {{context:{subject}}} to have a {VerifierRules.GetCode(kind)} {kind} violation{{reason}}, but found {Describe.Escape(Describe.Violations(violations))}");
        return new ViolationConstraint<TAssertions>(parent, kind, violations, matching);
    }

    [CustomAssertion]
    public static void NotHaveKind(IReadOnlyList<Violation> violations, ViolationKind kind, string subject, string because, object[] becauseArgs)
    {
        var matching = violations.Where(v => v.Kind == kind).ToArray();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(matching.Length == 0)
            .FailWith($"Expected {{context:{subject}}} to have no {kind} violation{{reason}}, but found {Describe.Escape(Describe.Violations(matching))}");
    }
}
