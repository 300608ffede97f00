namespace BugCheckCallbacks.Dump;

/// <summary>Where <see cref="KernelDumpWriter"/> sends each write: the simulation passes it to the sink and to DumpIo callbacks.</summary>
internal interface IDumpWriteTarget
{
    /// <summary>Receives one write; <paramref name="bytes"/> is only valid during the call.</summary>
    void Write(DumpIoType type, long offset, ReadOnlyMemory<byte> bytes);
}
