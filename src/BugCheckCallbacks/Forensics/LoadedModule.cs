namespace BugCheckCallbacks.Forensics;

/// <summary>Represents one entry of the loaded-module list (<c>KLDR_DATA_TABLE_ENTRY</c> on <c>PsLoadedModuleList</c>).</summary>
/// <param name="EntryAddress">The address of the entry.</param>
/// <param name="Base">The image base (<c>DllBase</c>).</param>
/// <param name="Size">The image size (<c>SizeOfImage</c>).</param>
/// <param name="EntryPoint">The entry point (<c>EntryPoint</c>).</param>
/// <param name="Name">The file name (<c>BaseDllName</c>), or empty when unreadable.</param>
/// <param name="FullName">The path (<c>FullDllName</c>), or empty when unreadable.</param>
public sealed record LoadedModule(ulong EntryAddress, ulong Base, ulong Size, ulong EntryPoint, string Name, string FullName)
{
    /// <summary>Gets the address just past the image.</summary>
    public ulong End => Base + Size;

    /// <summary>Gets whether <paramref name="address"/> is inside the image.</summary>
    /// <param name="address">A virtual address.</param>
    /// <returns><see langword="true"/> when <see cref="Base"/> ≤ address &lt; <see cref="End"/>.</returns>
    public bool Contains(ulong address) => address >= Base && address - Base < Size;
}
