using System.Text.Json.Serialization;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one contract violation found during a simulated bug check.</summary>
/// <param name="Kind">What was violated.</param>
/// <param name="Phase">The phase of the call.</param>
/// <param name="Reason">The reason the callback was registered for, or <see langword="null"/> for a classic callback.</param>
/// <param name="Component">The component name given at registration.</param>
/// <param name="RecordIndex">The record's position in its reason's dispatch order (or in the classic list).</param>
/// <param name="CallNumber">The 1-based number of the call within the record's protocol.</param>
/// <param name="Detail">What exactly happened, with the values involved.</param>
public sealed record Violation(
    ViolationKind Kind,
    BugCheckPhase Phase,
    BugCheckCallbackReason? Reason,
    string Component,
    int RecordIndex,
    int CallNumber,
    string Detail)
{
    private readonly NotCompared<BugCheckReasonCallbackRecord> _record;
    private readonly NotCompared<BugCheckCallbackRecord> _classicRecord;

    /// <summary>Gets the stable code of <see cref="Kind"/>, such as <c>BCV0004</c>.</summary>
    public string Code => VerifierRules.GetCode(Kind);

    /// <summary>Gets the reason record the row is about (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>), to tell two callbacks of one component apart; equality skips it.</summary>
    /// <value><see langword="null"/> for a classic record (see <see cref="ClassicRecord"/>) and in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckReasonCallbackRecord? Record { get => _record.Value; init => _record = new(value); }

    /// <summary>Gets the classic record the row is about (<c>KBUGCHECK_CALLBACK_RECORD</c>); equality skips it.</summary>
    /// <value><see langword="null"/> for a reason record and in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckCallbackRecord? ClassicRecord { get => _classicRecord.Value; init => _classicRecord = new(value); }

    /// <summary>
    /// Gets the <c>MaximumAllowed</c> the call was offered, for a violation in a secondary-data phase (sizing, data or
    /// multi-part); <see langword="null"/> for the others.
    /// </summary>
    public uint? OfferedMaximumAllowed { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Code} {Kind} [{Phase}] {Component} #{RecordIndex} call {CallNumber}: {Detail}";
}
