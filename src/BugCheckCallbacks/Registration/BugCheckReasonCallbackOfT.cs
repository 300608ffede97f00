namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents a reason callback routine typed for its reason's data: <c>KBUGCHECK_REASON_CALLBACK_ROUTINE</c> (wdm.h)
/// with <c>ReasonSpecificData</c> already cast to the structure the reason passes, so the routine needs no cast.
/// </summary>
/// <typeparam name="TData">The reason's data: <see cref="SecondaryDumpData"/>, <see cref="SecondaryDumpDataEx"/>,
/// <see cref="AddPagesData"/>, <see cref="RemovePagesData"/>, <see cref="DumpIoData"/> or <see cref="TriageDumpData"/>.</typeparam>
/// <param name="record">The record it was registered with (<c>Record</c>).</param>
/// <param name="data">The reason-specific data (<c>ReasonSpecificData</c>).</param>
/// <remarks>Runs at HIGH_LEVEL: it must not allocate, lock, wait or touch pageable memory.</remarks>
public delegate void BugCheckReasonCallback<in TData>(BugCheckReasonCallbackRecord record, TData data)
    where TData : ReasonCallbackData;
