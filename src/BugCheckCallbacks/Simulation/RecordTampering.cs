using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Names one record whose copy in the dump's memory is corrupted, and how (<see cref="SimulationOptions.Tampering"/>).</summary>
public sealed record RecordTampering
{
    /// <summary>Gets the reason record to corrupt (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>), or null for a classic one.</summary>
    public BugCheckReasonCallbackRecord? Record { get; init; }

    /// <summary>Gets the classic record to corrupt (<c>KBUGCHECK_CALLBACK_RECORD</c>), or null for a reason one.</summary>
    public BugCheckCallbackRecord? ClassicRecord { get; init; }

    /// <summary>Gets how the record is corrupted.</summary>
    public RecordTamperingKind Kind { get; init; }

    /// <summary>Creates a tampering of a reason record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="kind">How to corrupt it.</param>
    /// <returns>The tampering.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public static RecordTampering Of(BugCheckReasonCallbackRecord record, RecordTamperingKind kind)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new RecordTampering { Record = record, Kind = kind };
    }

    /// <summary>Creates a tampering of a classic record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="kind">How to corrupt it.</param>
    /// <returns>The tampering.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public static RecordTampering Of(BugCheckCallbackRecord record, RecordTamperingKind kind)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new RecordTampering { ClassicRecord = record, Kind = kind };
    }
}
