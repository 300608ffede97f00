namespace BugCheckCallbacks.Dump;

/// <summary>The byte layout of a .bcdump file (docs/dump-format.md is the reference).</summary>
internal static class DumpFileFormat
{
    public const uint Version = 1;
    public const int HeaderSize = 0x80;
    public const int HeaderChecksumOffset = 0x78;
    public const int SectionPrefixSize = 24;
    public const int SectionTableEntrySize = 32;
    public const int BodyEntrySize = 24;
    public const int TriageEntrySize = 24;
    public const int MaxComponentBytes = 1024;
    public const int SectionCount = 4;

    public static ReadOnlySpan<byte> Magic => "BCCBDUMP"u8;

    public static long Align8(long value) => (value + 7) & ~7L;
}
