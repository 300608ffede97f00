namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents a check the verifier could not decide for one call: what it saw fits an innocent call as well as a
/// violation, so it is reported here and never among the violations (docs/verifier.md, "Inconclusive verdicts").
/// </summary>
/// <param name="Kind">The rule that could not be decided (so far only <see cref="ViolationKind.AllocatedMemory"/>).</param>
/// <param name="Phase">The phase of the call.</param>
/// <param name="Reason">The reason the callback was registered for, or <see langword="null"/> for a classic callback.</param>
/// <param name="Component">The component name given at registration.</param>
/// <param name="RecordIndex">The record's position in its reason's dispatch order (or in the classic list).</param>
/// <param name="CallNumber">The 1-based number of the call within the record's protocol.</param>
/// <param name="Detail">What was seen, and why it cannot decide the rule.</param>
public sealed record InconclusiveVerdict(
    ViolationKind Kind,
    BugCheckPhase Phase,
    BugCheckCallbackReason? Reason,
    string Component,
    int RecordIndex,
    int CallNumber,
    string Detail)
{
    /// <summary>Gets the stable code of <see cref="Kind"/>, such as <c>BCV0003</c>.</summary>
    public string Code => VerifierRules.GetCode(Kind);

    /// <inheritdoc/>
    public override string ToString() => $"{Code} {Kind} inconclusive [{Phase}] {Component} #{RecordIndex} call {CallNumber}: {Detail}";
}
