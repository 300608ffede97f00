namespace BugCheckCallbacks.Dump;

/// <summary>
/// Receives the bytes of the x64 kernel dump a simulated bug check writes, each at its file offset, in the order
/// DumpIo callbacks see them: in file order, each byte once — the header (already final), the body, then the
/// secondary-data region.
/// </summary>
/// <remarks>
/// The span is only valid during the call: copy or write it before returning. The simulation never hands over more than
/// 1 MiB at once, so a streaming sink keeps memory independent of the dump's size.
/// </remarks>
public interface IDumpSink
{
    /// <summary>Writes <paramref name="data"/> at file offset <paramref name="offset"/>.</summary>
    /// <param name="offset">The file offset of the first byte.</param>
    /// <param name="data">The bytes.</param>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Completes the dump: every byte has been written.</summary>
    void Complete();
}
