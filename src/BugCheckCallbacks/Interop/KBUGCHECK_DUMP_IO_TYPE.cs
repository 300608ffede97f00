namespace BugCheckCallbacks.Interop;

/// <summary>The wdm.h <c>KBUGCHECK_DUMP_IO_TYPE</c> enumeration; see <see cref="DumpIoType"/>.</summary>
public enum KBUGCHECK_DUMP_IO_TYPE
{
    /// <summary><c>KbDumpIoInvalid</c> (0).</summary>
    KbDumpIoInvalid = 0,

    /// <summary><c>KbDumpIoHeader</c> (1).</summary>
    KbDumpIoHeader = 1,

    /// <summary><c>KbDumpIoBody</c> (2).</summary>
    KbDumpIoBody = 2,

    /// <summary><c>KbDumpIoSecondaryData</c> (3).</summary>
    KbDumpIoSecondaryData = 3,

    /// <summary><c>KbDumpIoComplete</c> (4).</summary>
    KbDumpIoComplete = 4,
}
