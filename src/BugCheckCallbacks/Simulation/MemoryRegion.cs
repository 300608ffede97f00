namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one range of simulated memory that exists, optionally with its content.</summary>
/// <param name="Space">The address space of the range.</param>
/// <param name="Range">The start address and size in bytes.</param>
/// <param name="Content">
/// The bytes at the start of the range; bytes past them (or all bytes when empty) read as the address pattern: every
/// 8-byte little-endian word holds its own address.
/// </param>
public sealed record MemoryRegion(AddressSpace Space, AddressRange Range, ReadOnlyMemory<byte> Content = default);
