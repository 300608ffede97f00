using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Checking;

/// <summary>Represents one contract violation the checked callback committed, with the situation that produced it.</summary>
/// <param name="Situation">The situation; pass it back to the checker to replay it.</param>
/// <param name="Violation">The violation, as the verifier reported it.</param>
public sealed record ContractFinding(ContractSituation Situation, Violation Violation)
{
    /// <summary>
    /// Gets the <c>MaximumAllowed</c> the failing record's last SecondaryDumpData call was offered. The situation's
    /// <see cref="ContractSituation.MaximumAllowed"/> is what the first instance is offered; a second instance is offered
    /// what the first left of the budget, which this says.
    /// </summary>
    /// <value><see langword="null"/> for the reasons without one, and for a native driver's routines (the checker does not wrap them).</value>
    public uint? OfferedMaximumAllowed { get; init; }

    /// <summary>Returns the finding in one line: the violation's code, kind and detail, then the situation.</summary>
    /// <returns>For instance <c>BCV0004 OutputExceedsMaximumAllowed (SecondaryData, call 1): OutBufferLength 0x40 exceeds ... in MaximumAllowed tiny: Full dump, MaximumAllowed 0x8</c>.</returns>
    public override string ToString() =>
        $"{Violation.Code} {Violation.Kind} ({Violation.Phase}, call {Violation.CallNumber}): {Violation.Detail} — in {Situation}" +
        (OfferedMaximumAllowed is { } offered && Situation.MaximumAllowed is { } first && offered != first ? $"; this instance was offered MaximumAllowed 0x{offered:X}, the situation's 0x{first:X} being the first instance's" : string.Empty);
}
