using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Assertions on what one call of one callback did (<see cref="SimulatedKernel.Invoke{TData}"/>).</summary>
public sealed class CallOutcomeAssertions : ViolationSubjectAssertions<CallOutcome, CallOutcomeAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The call's outcome.</param>
    public CallOutcomeAssertions(CallOutcome subject)
        : base(subject)
    {
    }

    /// <inheritdoc/>
    protected override string Identifier => "call";

    /// <inheritdoc/>
    protected override IReadOnlyList<Violation> Violations => Subject.Violations;
}
