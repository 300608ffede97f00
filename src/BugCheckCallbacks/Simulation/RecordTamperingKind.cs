namespace BugCheckCallbacks.Simulation;

/// <summary>Specifies how a record's copy in the dump's memory is corrupted (<see cref="RecordTampering"/>).</summary>
public enum RecordTamperingKind
{
    /// <summary>The record's <c>Checksum</c> no longer matches routine + reason + component (a stray or hostile write).</summary>
    WrongChecksum = 1,

    /// <summary>
    /// The record's <c>CallbackRoutine</c> points into pool that no loaded module covers, and its checksum is recomputed to
    /// match, as a rootkit that redirects a callback to unbacked code would leave it.
    /// </summary>
    RoutineOutsideModules = 2,

    /// <summary>The record's <c>Entry.Blink</c> no longer points back at the entry before it (Flink→Blink ≠ self).</summary>
    BrokenLink = 3,

    /// <summary>
    /// The record is unlinked from its list (its neighbours point past it) but keeps its own links and a valid checksum,
    /// as direct kernel object manipulation hides a callback; only carving finds it.
    /// </summary>
    Hidden = 4,
}
