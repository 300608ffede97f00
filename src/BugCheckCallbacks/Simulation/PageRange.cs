namespace BugCheckCallbacks.Simulation;

/// <summary>Represents a run of whole pages in the dump body.</summary>
/// <param name="Space">The address space of <paramref name="Address"/>.</param>
/// <param name="Address">The address of the first page.</param>
/// <param name="PageCount">The number of pages.</param>
public readonly record struct PageRange(AddressSpace Space, ulong Address, ulong PageCount);
