namespace BugCheckCallbacks;

/// <summary>Represents a memory block by start address and size in bytes; the managed twin of <c>KADDRESS_RANGE</c> (wdm.h).</summary>
/// <param name="Address">The start address (<c>KADDRESS_RANGE.Address</c>).</param>
/// <param name="Size">The size in bytes (<c>KADDRESS_RANGE.Size</c>).</param>
public readonly record struct AddressRange(ulong Address, ulong Size)
{
    /// <summary>Gets the first address past the block, or <see langword="null"/> when the block wraps the address space.</summary>
    public ulong? End => Size > ulong.MaxValue - Address ? null : Address + Size;
}
