using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Dump;

/// <summary>Represents one page run stored in the body section.</summary>
/// <param name="Range">The pages.</param>
/// <param name="DataOffset">The file offset of the page bytes.</param>
/// <param name="DataLength">The number of page bytes.</param>
public sealed record DumpBodyRange(PageRange Range, long DataOffset, long DataLength);

/// <summary>Represents one triage block (or piece of one) stored in the triage section.</summary>
/// <param name="Block">The owner, address and size.</param>
/// <param name="DataOffset">The file offset of the bytes.</param>
public sealed record DumpTriageBlock(TriageBlockInfo Block, long DataOffset);
