namespace BugCheckCallbacks;

/// <summary>
/// Specifies the situation in which a bug-check reason callback runs; the managed twin of
/// <c>KBUGCHECK_CALLBACK_REASON</c> (wdm.h), with the same numeric values.
/// </summary>
/// <remarks>
/// <see cref="Reserved2"/> and <see cref="Reserved3"/> exist only in the current wdm.h; older headers, ReactOS and
/// mingw-w64 stop at <see cref="TriageDumpData"/> or <see cref="Reserved2"/>. See <see cref="BugCheckReasons"/> for
/// each reason's data type, minimum Windows version and meaning.
/// </remarks>
public enum BugCheckCallbackReason
{
    /// <summary>Not a reason; never dispatched and rejected by registration (<c>KbCallbackInvalid</c>, 0).</summary>
    Invalid = 0,

    /// <summary>Reserved for the system; dispatched at bug-check entry with no data (<c>KbCallbackReserved1</c>, 1).</summary>
    Reserved1 = 1,

    /// <summary>Adds a GUID-tagged block to the dump's secondary-data area (<c>KbCallbackSecondaryDumpData</c>, 2).</summary>
    SecondaryDumpData = 2,

    /// <summary>Called for every write of the dump file (<c>KbCallbackDumpIo</c>, 3).</summary>
    DumpIo = 3,

    /// <summary>Adds page ranges to the dump's body (<c>KbCallbackAddPages</c>, 4).</summary>
    AddPages = 4,

    /// <summary>Adds secondary data over several calls (<c>KbCallbackSecondaryMultiPartDumpData</c>, 5).</summary>
    SecondaryMultiPartDumpData = 5,

    /// <summary>Removes page ranges from the dump's body (<c>KbCallbackRemovePages</c>, 6).</summary>
    RemovePages = 6,

    /// <summary>Contributes memory blocks to a triage (mini) dump (<c>KbCallbackTriageDumpData</c>, 7).</summary>
    TriageDumpData = 7,

    /// <summary>Reserved for the system; never dispatched (<c>KbCallbackReserved2</c>, 8).</summary>
    Reserved2 = 8,

    /// <summary>Reserved for the system; never dispatched (<c>KbCallbackReserved3</c>, 9).</summary>
    Reserved3 = 9,
}
