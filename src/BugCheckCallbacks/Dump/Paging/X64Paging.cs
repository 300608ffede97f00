namespace BugCheckCallbacks.Dump;

/// <summary>
/// The x64 4-level paging facts the simulated machine builds its page tables with and the dump reader walks them by
/// (Intel SDM vol. 3, 4-level paging): 4 KiB pages, 512 eight-byte entries a table, present bit 0, large-page bit 7.
/// </summary>
internal static class X64Paging
{
    public const uint PageSize = X64Page.Size;
    public const int PageShift = X64Page.Shift;
    public const int EntriesPerTable = 512;
    public const ulong PresentBit = 1UL << 0;
    public const ulong WritableBit = 1UL << 1;
    public const ulong AccessedBit = 1UL << 5;
    public const ulong DirtyBit = 1UL << 6;
    public const ulong LargePageBit = 1UL << 7;

    /// <summary>Windows' software bits in a not-present entry: prototype (10) and transition (11), per Windows Internals.</summary>
    public const ulong PrototypeBit = 1UL << 10;
    public const ulong TransitionBit = 1UL << 11;

    /// <summary>Bits 12..51 of an entry: the physical address of the next table or of the page.</summary>
    public const ulong FrameMask = 0x000F_FFFF_FFFF_F000;

    /// <summary>The first physical address x64 cannot name (52-bit physical addresses).</summary>
    public const ulong PhysicalAddressLimit = 1UL << 52;

    /// <summary>What the simulated machine sets in every entry it writes: present, writable, accessed, dirty.</summary>
    public const ulong EntryFlags = PresentBit | WritableBit | AccessedBit | DirtyBit;

    /// <summary>
    /// Gets whether an entry leads to a page in memory: present, or a Windows transition entry (not present, transition
    /// set, prototype clear) whose frame still holds the page — the rule Volatility 3's Windows layers apply.
    /// </summary>
    public static bool IsValid(ulong entry) => (entry & PresentBit) != 0 || (entry & (TransitionBit | PrototypeBit)) == TransitionBit;

    /// <summary>Gets whether <paramref name="address"/> is canonical: bits 63..47 all equal.</summary>
    public static bool IsCanonical(ulong address) => address < 0x0000_8000_0000_0000 || address >= 0xFFFF_8000_0000_0000;

    /// <summary>Gets the 9-bit table index of <paramref name="address"/> at <paramref name="level"/> (4 = PML4 … 1 = PT).</summary>
    public static int IndexAt(ulong address, int level) => (int)((address >> (PageShift + (9 * (level - 1)))) & 0x1FF);

    /// <summary>Sign-extends a 48-bit address to its canonical 64-bit form.</summary>
    public static ulong Canonical(ulong address48) => (ulong)((long)(address48 << 16) >> 16);
}
