using FluentAssertions;
using FluentAssertions.Execution;
using FluentAssertions.Primitives;
using BugCheckCallbacks.Checking;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Assertions on what <see cref="ContractChecker"/> found.</summary>
public sealed class ContractCheckResultAssertions : ReferenceTypeAssertions<ContractCheckResult, ContractCheckResultAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The checker's result.</param>
    public ContractCheckResultAssertions(ContractCheckResult subject)
        : base(subject)
    {
    }

    /// <inheritdoc/>
    protected override string Identifier => "contract check";

    /// <summary>Asserts that the callback kept the contract in every situation; the failure shows, per kind, the first finding and its situation.</summary>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    [CustomAssertion]
    public AndConstraint<ContractCheckResultAssertions> HaveNoViolations(string because = "", params object[] becauseArgs)
    {
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(Subject.IsClean)
            .FailWith($"Expected the callback to keep the contract{{reason}}, but the check found {Describe.Escape(Subject.ToString())}");
        return new AndConstraint<ContractCheckResultAssertions>(this);
    }

    /// <summary>Asserts that the check found a violation of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the first such finding.</returns>
    [CustomAssertion]
    public AndWhichConstraint<ContractCheckResultAssertions, ContractFinding> HaveViolation(ViolationKind kind, string because = "", params object[] becauseArgs)
    {
        var matching = Subject.Findings.Where(f => f.Violation.Kind == kind).ToArray();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(matching.Length > 0)
            .FailWith($"Expected the contract check to find a {VerifierRules.GetCode(kind)} {kind} violation{{reason}}, but it found {Describe.Escape(Subject.ToString())}");
        return new AndWhichConstraint<ContractCheckResultAssertions, ContractFinding>(this, matching.FirstOrDefault()!);
    }
}
