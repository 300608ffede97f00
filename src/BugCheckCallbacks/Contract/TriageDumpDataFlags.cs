namespace BugCheckCallbacks;

/// <summary>Flags of <c>KBUGCHECK_TRIAGE_DUMP_DATA.Flags</c>; the <c>KB_TRIAGE_DUMP_DATA_FLAG_*</c> constants of wdm.h.</summary>
[Flags]
#pragma warning disable CA1028 // The native Flags field is a ULONG.
public enum TriageDumpDataFlags : uint
#pragma warning restore CA1028
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The callback runs during a bug check; always set today (<c>KB_TRIAGE_DUMP_DATA_FLAG_BUGCHECK_ACTIVE</c>, 0x1).</summary>
    BugCheckActive = 0x1,
}
