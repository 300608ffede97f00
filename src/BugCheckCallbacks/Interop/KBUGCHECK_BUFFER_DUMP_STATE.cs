namespace BugCheckCallbacks.Interop;

/// <summary>The wdm.h <c>KBUGCHECK_BUFFER_DUMP_STATE</c> enumeration; see <see cref="BufferDumpState"/>.</summary>
public enum KBUGCHECK_BUFFER_DUMP_STATE
{
    /// <summary><c>BufferEmpty</c> (0).</summary>
    BufferEmpty = 0,

    /// <summary><c>BufferInserted</c> (1).</summary>
    BufferInserted = 1,

    /// <summary><c>BufferStarted</c> (2).</summary>
    BufferStarted = 2,

    /// <summary><c>BufferFinished</c> (3).</summary>
    BufferFinished = 3,

    /// <summary><c>BufferIncomplete</c> (4).</summary>
    BufferIncomplete = 4,
}
