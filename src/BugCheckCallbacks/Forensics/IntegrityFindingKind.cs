namespace BugCheckCallbacks.Forensics;

/// <summary>Specifies what is wrong with a record or a list a walk read.</summary>
public enum IntegrityFindingKind
{
    /// <summary>The record's <c>Checksum</c> is not routine + reason + component (classic: routine + buffer + length + component).</summary>
    ChecksumMismatch = 1,

    /// <summary>The record's <c>CallbackRoutine</c> lies outside every loaded module: code no image backs.</summary>
    UnbackedRoutine = 2,

    /// <summary>The record's <c>Component</c> pointer cannot be read in the dump.</summary>
    UnreadableComponent = 3,

    /// <summary>The entry's <c>Blink</c> does not point back at the entry before it (Flink→Blink ≠ self).</summary>
    BrokenLink = 4,

    /// <summary>The record's reason belongs on another list (a page reason on the reason list, or the other way round).</summary>
    WrongList = 5,

    /// <summary>The walk came back to an entry it had seen before reaching the head again: the list loops.</summary>
    Loop = 6,

    /// <summary>An entry the links lead to cannot be read (not canonical, not mapped or not stored): the walk stops there.</summary>
    UnreadableEntry = 7,

    /// <summary>The list has more entries than the walk reads (<see cref="KernelWalkerOptions.MaxListEntries"/>): it stops there.</summary>
    TooLong = 8,

    /// <summary>A carved record with a valid checksum and a live state is on no list: unlinked, as a hidden callback is.</summary>
    NotOnList = 9,

    /// <summary>The record's <c>Reason</c> is not a reason a callback can be registered for.</summary>
    InvalidReason = 10,

    /// <summary>The record's <c>State</c> is not a <c>KBUGCHECK_BUFFER_DUMP_STATE</c> value.</summary>
    InvalidState = 11,
}
