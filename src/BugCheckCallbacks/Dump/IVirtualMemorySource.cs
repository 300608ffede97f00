namespace BugCheckCallbacks.Dump;

/// <summary>The machine's virtual memory as the crash left it, for the writer to copy into a small memory dump.</summary>
internal interface IVirtualMemorySource
{
    /// <summary>Fills <paramref name="destination"/> from <paramref name="address"/>; bytes of unmapped pages read as zero.</summary>
    void ReadVirtual(ulong address, Span<byte> destination);
}
