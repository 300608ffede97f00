namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents a bug-check reason callback routine; the managed twin of <c>KBUGCHECK_REASON_CALLBACK_ROUTINE</c> (wdm.h).
/// </summary>
/// <param name="reason">The reason the routine was registered for (<c>Reason</c>).</param>
/// <param name="record">The record it was registered with (<c>Record</c>).</param>
/// <param name="data">
/// The reason-specific data (<c>ReasonSpecificData</c>; its <see cref="ReasonCallbackData.Length"/> is
/// <c>ReasonSpecificDataLength</c>), or <see langword="null"/> for reasons that pass none.
/// </param>
/// <remarks>Runs at HIGH_LEVEL: it must not allocate, lock, wait or touch pageable memory.</remarks>
public delegate void BugCheckReasonCallback(BugCheckCallbackReason reason, BugCheckReasonCallbackRecord record, ReasonCallbackData? data);

/// <summary>
/// Represents a classic bug-check callback routine; the managed twin of <c>KBUGCHECK_CALLBACK_ROUTINE</c> (wdm.h).
/// </summary>
/// <param name="buffer">The buffer given at registration (<c>Buffer</c> and <c>Length</c>).</param>
/// <remarks>Runs after the dump is written; its buffer is in no dump file (the debugger's <c>!bugdump</c> reads it from memory).</remarks>
public delegate void BugCheckCallback(Span<byte> buffer);
