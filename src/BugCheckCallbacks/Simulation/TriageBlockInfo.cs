namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one triage block carved into the dump.</summary>
/// <param name="Component">The component whose callback returned it.</param>
/// <param name="Address">The virtual address of the block.</param>
/// <param name="Size">The size in bytes.</param>
public sealed record TriageBlockInfo(string Component, ulong Address, ulong Size);
