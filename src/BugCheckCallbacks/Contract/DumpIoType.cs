namespace BugCheckCallbacks;

/// <summary>
/// Specifies which part of the dump a DumpIo callback is seeing written; the managed twin of
/// <c>KBUGCHECK_DUMP_IO_TYPE</c> (wdm.h).
/// </summary>
public enum DumpIoType
{
    /// <summary>Not a valid type (<c>KbDumpIoInvalid</c>, 0).</summary>
    Invalid = 0,

    /// <summary>The dump header is being written (<c>KbDumpIoHeader</c>, 1).</summary>
    Header = 1,

    /// <summary>The dump body (memory pages) is being written (<c>KbDumpIoBody</c>, 2).</summary>
    Body = 2,

    /// <summary>The secondary-data region is being written (<c>KbDumpIoSecondaryData</c>, 3).</summary>
    SecondaryData = 3,

    /// <summary>The dump is complete; the buffer is null and the length zero (<c>KbDumpIoComplete</c>, 4).</summary>
    Complete = 4,
}
