namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one range of simulated memory that exists, optionally with its content.</summary>
/// <param name="Space">The address space of the range.</param>
/// <param name="Range">The start address and size in bytes.</param>
/// <param name="Content">
/// The bytes at the start of the range; bytes past them (or all bytes when empty) read as the address pattern: every
/// 8-byte little-endian word holds its own address.
/// </param>
public sealed record MemoryRegion(AddressSpace Space, AddressRange Range, ReadOnlyMemory<byte> Content = default)
{
    /// <summary>Gets what renders the region's pages on demand instead of <see cref="Content"/> (the simulated kernel's images).</summary>
    internal RegionRenderer? Renderer { get; init; }

    /// <summary>Gets whether the region holds the simulated kernel's own structures: its frames are laid out after the map's own.</summary>
    internal bool IsKernel { get; init; }
}

/// <summary>Fills <paramref name="page"/> with the region's page at <paramref name="offset"/> (a multiple of the page size).</summary>
internal delegate void RegionRenderer(ulong offset, Span<byte> page);
