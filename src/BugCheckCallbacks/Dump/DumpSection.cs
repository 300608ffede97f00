namespace BugCheckCallbacks.Dump;

/// <summary>Represents one section of a dump file as the section table lists it.</summary>
/// <param name="Kind">What the section holds.</param>
/// <param name="Offset">The file offset of the section's data (past its 24-byte prefix).</param>
/// <param name="Length">The length of the data in bytes.</param>
/// <param name="Checksum">The XxHash64 (seed 0) of the data.</param>
public sealed record DumpSection(DumpSectionKind Kind, long Offset, long Length, ulong Checksum);
