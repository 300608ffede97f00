namespace BugCheckCallbacks.Binary;

/// <summary>One routine or variable a driver image exports by name (<c>IMAGE_EXPORT_DIRECTORY</c>).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Rva">Its address relative to the image base (<c>AddressOfFunctions[ordinal]</c>).</param>
public sealed record ImageExport(string Name, uint Rva);
