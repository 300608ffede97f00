namespace BugCheckCallbacks.Dump;

/// <summary>The content of physical pages, for the writer to copy into the body.</summary>
internal interface IPhysicalPageSource
{
    /// <summary>Fills <paramref name="page"/> (one page) with physical page <paramref name="frame"/>.</summary>
    void ReadPage(ulong frame, Span<byte> page);
}
