using System.Text.Json.Serialization;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one call of one callback during a simulated bug check.</summary>
/// <param name="Sequence">The 0-based position of the call in the whole bug check.</param>
/// <param name="Phase">The phase of the call.</param>
/// <param name="Reason">The reason, or <see langword="null"/> for a classic callback.</param>
/// <param name="Pass">The pass, for SecondaryDumpData; otherwise <see cref="InvocationPass.None"/>.</param>
/// <param name="IoType">The DumpIo write type, for DumpIo calls.</param>
/// <param name="Component">The component name given at registration.</param>
/// <param name="RecordIndex">The record's position in its reason's dispatch order (or in the classic list).</param>
/// <param name="CallNumber">The 1-based number of the call within the record's protocol in this phase.</param>
/// <param name="Duration">How long the call took.</param>
/// <param name="BytesProduced">The bytes the call contributed: blob data, page bytes added or removed, triage bytes, or the size reported in the sizing pass.</param>
/// <param name="AllocatedBytes">Managed bytes the call allocated (0 when allocation detection is off).</param>
/// <param name="StateAfter">The record's state right after the call.</param>
/// <param name="Faulted">Whether the call raised an exception.</param>
public sealed record CallbackInvocation(
    int Sequence,
    BugCheckPhase Phase,
    BugCheckCallbackReason? Reason,
    InvocationPass Pass,
    DumpIoType? IoType,
    string Component,
    int RecordIndex,
    int CallNumber,
    TimeSpan Duration,
    long BytesProduced,
    long AllocatedBytes,
    BufferDumpState StateAfter,
    bool Faulted)
{
    private readonly NotCompared<BugCheckReasonCallbackRecord> _record;
    private readonly NotCompared<BugCheckCallbackRecord> _classicRecord;

    /// <summary>Gets the reason record the row is about (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>), to tell two callbacks of one component apart; equality skips it.</summary>
    /// <value><see langword="null"/> for a classic record (see <see cref="ClassicRecord"/>) and in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckReasonCallbackRecord? Record { get => _record.Value; init => _record = new(value); }

    /// <summary>Gets the classic record the row is about (<c>KBUGCHECK_CALLBACK_RECORD</c>); equality skips it.</summary>
    /// <value><see langword="null"/> for a reason record and in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckCallbackRecord? ClassicRecord { get => _classicRecord.Value; init => _classicRecord = new(value); }
}
