namespace BugCheckCallbacks.Forensics;

/// <summary>Represents the result of looking for the KDBG block: the block, or what was tried.</summary>
/// <param name="Block">The block, or null when none was found.</param>
/// <param name="Tried">What was tried, one sentence each, in order.</param>
public sealed record DebuggerDataSearch(DebuggerDataBlock? Block, IReadOnlyList<string> Tried);
