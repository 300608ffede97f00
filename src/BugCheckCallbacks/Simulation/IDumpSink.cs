namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Receives what a simulated bug check writes, in order: the header, the body (page ranges and triage blocks, in pieces
/// of at most 1 MiB), the secondary-data blobs as they are accepted, and the outcome report.
/// </summary>
/// <remarks>
/// The spans are only valid during the call: copy or write them before returning. The simulation never holds more
/// than one piece, so a streaming sink keeps memory independent of the dump's size.
/// </remarks>
public interface IDumpSink
{
    /// <summary>Writes the dump header.</summary>
    /// <param name="header">The bug check being dumped.</param>
    void WriteHeader(DumpHeaderInfo header);

    /// <summary>Writes one piece of the body: the bytes of whole pages.</summary>
    /// <param name="range">The pages the bytes belong to.</param>
    /// <param name="data">The page bytes; <c>range.PageCount × PageSize</c> long.</param>
    void WriteBodyRange(PageRange range, ReadOnlySpan<byte> data);

    /// <summary>Writes one piece of a triage block.</summary>
    /// <param name="block">The component, virtual address and size of the piece.</param>
    /// <param name="data">The bytes at that address; <c>block.Size</c> long.</param>
    void WriteTriageBlock(TriageBlockInfo block, ReadOnlySpan<byte> data);

    /// <summary>Writes one secondary-data blob.</summary>
    /// <param name="tag">The blob's GUID tag.</param>
    /// <param name="component">The component whose callback produced it.</param>
    /// <param name="data">The blob's data.</param>
    void WriteSecondaryBlob(Guid tag, string component, ReadOnlySpan<byte> data);

    /// <summary>Writes the outcome report and completes the dump.</summary>
    /// <param name="outcome">The outcome of the bug check.</param>
    void Complete(BugCheckOutcome outcome);
}
