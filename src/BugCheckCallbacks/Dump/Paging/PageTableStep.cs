namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents one level of an x64 address translation, as the debugger's <c>!pte</c> shows it: the table, the index into
/// it the virtual address selects, and the entry found there (an <c>MMPTE</c>).
/// </summary>
/// <param name="Level">4 for the PML4 entry (PXE), 3 for the page-directory-pointer entry (PPE), 2 for the page-directory entry (PDE), 1 for the page-table entry (PTE).</param>
/// <param name="TableAddress">The physical address of the table.</param>
/// <param name="Index">The entry's index in the table, 0 to 511.</param>
/// <param name="Entry">The entry's value, or <see langword="null"/> when the dump does not store the table.</param>
public readonly record struct PageTableStep(int Level, ulong TableAddress, int Index, ulong? Entry)
{
    /// <summary>Gets the name WinDbg gives the entry: PXE, PPE, PDE or PTE.</summary>
    public string Name => Level switch { 4 => "PXE", 3 => "PPE", 2 => "PDE", _ => "PTE" };

    /// <summary>Gets the physical address of the entry itself.</summary>
    public ulong EntryAddress => TableAddress + ((ulong)Index * 8);

    /// <summary>Gets a value indicating whether the entry is valid: present, or a Windows transition entry (still in memory).</summary>
    public bool IsValid => Entry is { } entry && X64Paging.IsValid(entry);

    /// <summary>Gets a value indicating whether the entry maps a large page (2 MiB at a PDE, 1 GiB at a PPE) and so ends the walk.</summary>
    public bool IsLargePage => Level is 2 or 3 && Entry is { } entry && (entry & X64Paging.LargePageBit) != 0;

    /// <summary>Gets a value indicating whether the entry allows writes (its R/W bit).</summary>
    public bool IsWritable => Entry is { } entry && (entry & X64Paging.WritableBit) != 0;

    /// <summary>Gets the physical address the entry points at: the next table, or the page it maps.</summary>
    public ulong? Target => Entry is { } entry ? entry & X64Paging.FrameMask : null;
}
