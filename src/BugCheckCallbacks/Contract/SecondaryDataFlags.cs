namespace BugCheckCallbacks;

/// <summary>
/// Flags exchanged through <c>KBUGCHECK_SECONDARY_DUMP_DATA_EX.Flags</c>; the <c>KB_SECONDARY_DATA_FLAG_*</c>
/// constants of wdm.h.
/// </summary>
[Flags]
#pragma warning disable CA1028 // The native Flags field is a ULONG.
public enum SecondaryDataFlags : uint
#pragma warning restore CA1028
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Set by the callback to be called again for more data (<c>KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA</c>, 0x1).</summary>
    AdditionalData = 0x1,

    /// <summary>Set by the system: the callback must not touch its device (<c>KB_SECONDARY_DATA_FLAG_NO_DEVICE_ACCESS</c>, 0x2).</summary>
    NoDeviceAccess = 0x2,
}
