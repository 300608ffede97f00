namespace BugCheckCallbacks.Binary;

/// <summary>One routine a driver image imports, and the slot of its import address table the loader fills with its address.</summary>
/// <param name="Module">The module it comes from (<c>IMAGE_IMPORT_DESCRIPTOR.Name</c>): <c>ntoskrnl.exe</c>, <c>HAL.dll</c>, …</param>
/// <param name="Name">The routine's name (<c>IMAGE_IMPORT_BY_NAME.Name</c>), or null when it is imported by ordinal.</param>
/// <param name="Ordinal">The ordinal it is imported by, or null when it is imported by name.</param>
/// <param name="AddressTableRva">The RVA of its 8-byte slot in the import address table (<c>FirstThunk</c> + 8 × index): code calls <c>[rip+slot]</c>.</param>
public sealed record ImageImport(string Module, string? Name, ushort? Ordinal, uint AddressTableRva)
{
    /// <summary>Gets the routine's name, or <c>#ordinal</c>.</summary>
    public string DisplayName => Name ?? $"#{Ordinal}";
}
