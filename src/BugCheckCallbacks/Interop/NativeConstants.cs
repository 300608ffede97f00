namespace BugCheckCallbacks.Interop;

/// <summary>The wdm.h constants of the bug-check callback contract, under their native names.</summary>
public static class NativeConstants
{
    /// <summary><c>KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA</c>.</summary>
    public const uint KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA = 0x00000001;

    /// <summary><c>KB_SECONDARY_DATA_FLAG_NO_DEVICE_ACCESS</c>.</summary>
    public const uint KB_SECONDARY_DATA_FLAG_NO_DEVICE_ACCESS = 0x00000002;

    /// <summary><c>KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS</c>.</summary>
    public const uint KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS = 0x00000001;

    /// <summary><c>KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS</c>.</summary>
    public const uint KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS = 0x00000002;

    /// <summary><c>KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST</c>.</summary>
    public const uint KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST = 0x80000000;

    /// <summary><c>KB_REMOVE_PAGES_FLAG_VIRTUAL_ADDRESS</c>.</summary>
    public const uint KB_REMOVE_PAGES_FLAG_VIRTUAL_ADDRESS = 0x00000001;

    /// <summary><c>KB_REMOVE_PAGES_FLAG_PHYSICAL_ADDRESS</c>.</summary>
    public const uint KB_REMOVE_PAGES_FLAG_PHYSICAL_ADDRESS = 0x00000002;

    /// <summary><c>KB_REMOVE_PAGES_FLAG_ADDITIONAL_RANGES_EXIST</c>.</summary>
    public const uint KB_REMOVE_PAGES_FLAG_ADDITIONAL_RANGES_EXIST = 0x80000000;

    /// <summary><c>KB_TRIAGE_DUMP_DATA_FLAG_BUGCHECK_ACTIVE</c>.</summary>
    public const uint KB_TRIAGE_DUMP_DATA_FLAG_BUGCHECK_ACTIVE = 0x00000001;

    /// <summary><c>KE_MAX_TRIAGE_DUMP_DATA_MEMORY_SIZE</c>.</summary>
    public const uint KE_MAX_TRIAGE_DUMP_DATA_MEMORY_SIZE = 0x02000000;

    /// <summary><c>DUMP_TYPE_INVALID</c>.</summary>
    public const int DUMP_TYPE_INVALID = -1;

    /// <summary><c>DUMP_TYPE_UNKNOWN</c>.</summary>
    public const int DUMP_TYPE_UNKNOWN = 0;

    /// <summary><c>DUMP_TYPE_FULL</c>.</summary>
    public const int DUMP_TYPE_FULL = 1;

    /// <summary><c>DUMP_TYPE_SUMMARY</c>.</summary>
    public const int DUMP_TYPE_SUMMARY = 2;

    /// <summary><c>DUMP_TYPE_HEADER</c>.</summary>
    public const int DUMP_TYPE_HEADER = 3;

    /// <summary><c>DUMP_TYPE_TRIAGE</c>.</summary>
    public const int DUMP_TYPE_TRIAGE = 4;

    /// <summary><c>DUMP_TYPE_BITMAP_FULL</c>.</summary>
    public const int DUMP_TYPE_BITMAP_FULL = 5;

    /// <summary><c>DUMP_TYPE_BITMAP_KERNEL</c>.</summary>
    public const int DUMP_TYPE_BITMAP_KERNEL = 6;

    /// <summary><c>DUMP_TYPE_AUTOMATIC</c>.</summary>
    public const int DUMP_TYPE_AUTOMATIC = 7;
}
