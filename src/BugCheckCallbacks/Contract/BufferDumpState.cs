namespace BugCheckCallbacks;

/// <summary>
/// Represents the state of a callback record; the managed twin of <c>KBUGCHECK_BUFFER_DUMP_STATE</c> (wdm.h),
/// stored in the record's <c>State</c> UCHAR.
/// </summary>
#pragma warning disable CA1028 // The native State field is a UCHAR; byte keeps the layout and values exact.
public enum BufferDumpState : byte
#pragma warning restore CA1028
{
    /// <summary>Initialized and not registered (<c>BufferEmpty</c>, 0); the only state <c>Register</c> accepts.</summary>
    Empty = 0,

    /// <summary>Registered and not yet called (<c>BufferInserted</c>, 1); the only state <c>Deregister</c> accepts.</summary>
    Inserted = 1,

    /// <summary>A classic callback is running (<c>BufferStarted</c>, 2).</summary>
    Started = 2,

    /// <summary>The callback returned (<c>BufferFinished</c>, 3).</summary>
    Finished = 3,

    /// <summary>The callback raised an exception; the crash went on (<c>BufferIncomplete</c>, 4).</summary>
    Incomplete = 4,
}
