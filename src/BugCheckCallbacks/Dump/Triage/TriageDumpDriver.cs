namespace BugCheckCallbacks.Dump;

/// <summary>Represents one entry of a small memory dump's driver list: a loaded module, named from the dump's string pool.</summary>
/// <param name="Name">The module's name, from its <c>DUMP_STRING</c> in the string pool.</param>
/// <param name="DllBase">The module's base address (the entry's <c>KLDR_DATA_TABLE_ENTRY.DllBase</c>).</param>
/// <param name="SizeOfImage">The module's size in bytes (<c>KLDR_DATA_TABLE_ENTRY.SizeOfImage</c>).</param>
/// <param name="EntryOffset">The file offset of the entry (its u32 name offset; the <c>KLDR_DATA_TABLE_ENTRY</c> copy follows 8 bytes on).</param>
public sealed record TriageDumpDriver(string Name, ulong DllBase, uint SizeOfImage, long EntryOffset)
{
    /// <summary>Gets whether <paramref name="address"/> lies inside the module's image.</summary>
    /// <param name="address">A virtual address.</param>
    /// <returns><see langword="true"/> when DllBase ≤ address &lt; DllBase + SizeOfImage.</returns>
    public bool Contains(ulong address) => address >= DllBase && address - DllBase < SizeOfImage;
}
