namespace BugCheckCallbacks;

/// <summary>
/// Flags of <c>KBUGCHECK_ADD_PAGES.Flags</c> and <c>KBUGCHECK_REMOVE_PAGES.Flags</c>; the
/// <c>KB_ADD_PAGES_FLAG_*</c> and <c>KB_REMOVE_PAGES_FLAG_*</c> constants of wdm.h, which share their values.
/// </summary>
/// <remarks>The callback must set exactly one of <see cref="VirtualAddress"/> and <see cref="PhysicalAddress"/>.</remarks>
[Flags]
#pragma warning disable CA1028 // The native Flags field is a ULONG.
public enum PageRangeFlags : uint
#pragma warning restore CA1028
{
    /// <summary>No flag; the value the system puts in Flags before every call.</summary>
    None = 0,

    /// <summary>Address is a virtual address (<c>KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS</c>, 0x1).</summary>
    VirtualAddress = 0x1,

    /// <summary>Address is a physical address (<c>KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS</c>, 0x2).</summary>
    PhysicalAddress = 0x2,

    /// <summary>Call the callback again for another range (<c>KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST</c>, 0x80000000).</summary>
    AdditionalRangesExist = 0x80000000,
}
