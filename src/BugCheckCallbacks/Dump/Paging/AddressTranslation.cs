namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents the translation of one virtual address through a dump's x64 page tables, level by level, as the debugger's
/// <c>!pte</c> and <c>!vtop</c> show it; <see cref="DumpFile.Translate"/> makes it.
/// </summary>
/// <param name="VirtualAddress">The virtual address translated.</param>
/// <param name="PhysicalAddress">The physical address it maps to, or <see langword="null"/> when it does not translate.</param>
/// <param name="Steps">The levels walked, PML4 first; the walk stops at the first invalid entry, missing table or large page.</param>
/// <param name="Failure">Why it does not translate (a non-canonical address, a table the dump lacks, an invalid entry), or <see langword="null"/>.</param>
public sealed record AddressTranslation(ulong VirtualAddress, ulong? PhysicalAddress, IReadOnlyList<PageTableStep> Steps, string? Failure);
