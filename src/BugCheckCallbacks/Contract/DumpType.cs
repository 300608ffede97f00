namespace BugCheckCallbacks;

/// <summary>
/// Specifies the kind of crash dump being written; the values of the <c>DUMP_TYPE_*</c> constants that
/// <c>KBUGCHECK_SECONDARY_DUMP_DATA_EX.DumpType</c> (wdm.h) carries.
/// </summary>
public enum DumpType
{
    /// <summary>Not a valid dump type (<c>DUMP_TYPE_INVALID</c>, -1).</summary>
    Invalid = -1,

    /// <summary>The dump type is not known (<c>DUMP_TYPE_UNKNOWN</c>, 0).</summary>
    Unknown = 0,

    /// <summary>A complete memory dump (<c>DUMP_TYPE_FULL</c>, 1).</summary>
    Full = 1,

    /// <summary>A kernel memory dump (<c>DUMP_TYPE_SUMMARY</c>, 2).</summary>
    Summary = 2,

    /// <summary>A header-only dump (<c>DUMP_TYPE_HEADER</c>, 3).</summary>
    Header = 3,

    /// <summary>A small memory (triage, mini) dump (<c>DUMP_TYPE_TRIAGE</c>, 4).</summary>
    Triage = 4,

    /// <summary>A complete memory dump in bitmap form (<c>DUMP_TYPE_BITMAP_FULL</c>, 5).</summary>
    BitmapFull = 5,

    /// <summary>A kernel memory dump in bitmap form (<c>DUMP_TYPE_BITMAP_KERNEL</c>, 6).</summary>
    BitmapKernel = 6,

    /// <summary>An automatic memory dump, a kernel dump with a system-managed page file (<c>DUMP_TYPE_AUTOMATIC</c>, 7).</summary>
    Automatic = 7,
}
