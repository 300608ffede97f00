namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents one block of virtual memory a small memory dump holds: an entry of its data-block table (u64 Address,
/// u32 Offset, u32 Size), or its data page.
/// </summary>
/// <param name="Address">The virtual address of the block's first byte.</param>
/// <param name="Offset">The file offset of the block's bytes.</param>
/// <param name="Size">The block's length in bytes.</param>
public readonly record struct TriageDumpBlock(ulong Address, uint Offset, uint Size)
{
    /// <summary>Gets whether <paramref name="address"/> lies inside the block.</summary>
    /// <param name="address">A virtual address.</param>
    /// <returns><see langword="true"/> when Address ≤ address &lt; Address + Size.</returns>
    public bool Contains(ulong address) => address >= Address && address - Address < Size;
}
