namespace BugCheckCallbacks.Dump;

/// <summary>Represents a run of virtual pages that map to consecutive physical pages the dump stores.</summary>
/// <param name="VirtualAddress">The first page's virtual address.</param>
/// <param name="PhysicalAddress">The physical address it maps to.</param>
/// <param name="PageCount">The number of 4 KiB pages in the run.</param>
public readonly record struct VirtualMapping(ulong VirtualAddress, ulong PhysicalAddress, ulong PageCount);
