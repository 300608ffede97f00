namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents one page of the x64 page tables a dump stores: a PML4, page-directory-pointer table, page directory or page
/// table (<c>MMPTE</c> pages), found by walking from <see cref="DumpFileHeader.DirectoryTableBase"/>.
/// </summary>
/// <param name="PageFrame">The page frame number of the table (physical address / 0x1000).</param>
/// <param name="Level">The table's level: 4 for the PML4, 3 for a page-directory-pointer table, 2 for a page directory, 1 for a page table.</param>
public readonly record struct PagingStructure(ulong PageFrame, int Level);
