namespace BugCheckCallbacks.Forensics;

/// <summary>Specifies how a callback list's head was found.</summary>
public enum CallbackListSource
{
    /// <summary>The caller gave the head (a symbol address it knows).</summary>
    Caller = 0,

    /// <summary>The KDBG block names it (<c>KeBugCheckCallbackListHead</c>, the classic list).</summary>
    DebuggerData = 1,

    /// <summary>Carved without symbols: records whose checksum holds were found in kernel memory and their links lead to it.</summary>
    Carved = 2,
}
