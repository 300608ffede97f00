using System.Text.Json.Serialization;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Represents the final state of one record after a simulated bug check.</summary>
/// <param name="Reason">The reason, or <see langword="null"/> for a classic record.</param>
/// <param name="Component">The component name.</param>
/// <param name="RecordIndex">The record's position in its reason's dispatch order (or in the classic list).</param>
/// <param name="Calls">How many times it was called.</param>
/// <param name="FinalState">Its state at the end.</param>
public sealed record RecordOutcome(BugCheckCallbackReason? Reason, string Component, int RecordIndex, int Calls, BufferDumpState FinalState)
{
    private readonly NotCompared<BugCheckReasonCallbackRecord> _record;
    private readonly NotCompared<BugCheckCallbackRecord> _classicRecord;

    /// <summary>Gets the address of the record in the dump's memory (its <c>KBUGCHECK_REASON_CALLBACK_RECORD</c> or <c>KBUGCHECK_CALLBACK_RECORD</c>), or 0 when no bug check laid it out.</summary>
    public ulong Address { get; init; }

    /// <summary>
    /// Gets the record's <c>State</c> as the dump's memory holds it: its state when the kernel's structures were written,
    /// with the header (a callback called later, such as a secondary-data or classic one, shows its state before that call);
    /// null when no dump was written.
    /// </summary>
    public BufferDumpState? StateInDump { get; init; }

    /// <summary>Gets the reason record the row is about (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>), to tell two callbacks of one component apart; equality skips it.</summary>
    /// <value><see langword="null"/> for a classic record (see <see cref="ClassicRecord"/>) and in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckReasonCallbackRecord? Record { get => _record.Value; init => _record = new(value); }

    /// <summary>Gets the classic record the row is about (<c>KBUGCHECK_CALLBACK_RECORD</c>); equality skips it.</summary>
    /// <value><see langword="null"/> for a reason record and in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckCallbackRecord? ClassicRecord { get => _classicRecord.Value; init => _classicRecord = new(value); }
}
