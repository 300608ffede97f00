namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents a violation the caller declared expected: a verifier code (such as <c>BCV0001</c>) from one component, as a
/// scenario's <c>"expect"</c> lists them. Recorded in the outcome (<see cref="BugCheckOutcome.ExpectedViolations"/>) so
/// that whoever reads the report later tells the violations a test provoked on purpose from the rest.
/// </summary>
/// <param name="Component">The component name given at registration.</param>
/// <param name="Code">The verifier code, <see cref="Violation.Code"/>.</param>
public sealed record ExpectedViolation(string Component, string Code)
{
    /// <summary>Gets a value indicating whether <paramref name="violation"/> is the one this expectation names.</summary>
    /// <param name="violation">A violation of the outcome.</param>
    /// <returns>
    /// <see langword="true"/> when the component and the code are the same, in any case: Windows compares module names
    /// without case (<c>FAULTY.SYS</c> is faulty.sys), and <c>bcv0001</c> is BCV0001.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="violation"/> is null.</exception>
    public bool Matches(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return string.Equals(violation.Component, Component, StringComparison.OrdinalIgnoreCase) && string.Equals(violation.Code, Code, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Gets a value indicating whether <paramref name="other"/> names the same violation: the same component and code, in any case.</summary>
    /// <param name="other">Another expectation.</param>
    /// <returns><see langword="true"/> when both name the same component and code, ignoring case.</returns>
    public bool Equals(ExpectedViolation? other) =>
        other is not null && string.Equals(Component, other.Component, StringComparison.OrdinalIgnoreCase) && string.Equals(Code, other.Code, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Component), StringComparer.OrdinalIgnoreCase.GetHashCode(Code));
}
