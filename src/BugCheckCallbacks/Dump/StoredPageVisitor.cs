namespace BugCheckCallbacks.Dump;

/// <summary>Receives one stored physical page from <see cref="DumpFile.ForEachStoredPage"/> or <see cref="DumpFile.ReadPages"/>.</summary>
/// <param name="pageFrame">The page frame number (physical address / 0x1000).</param>
/// <param name="page">The page's 4,096 bytes; valid only during the call.</param>
/// <returns><see langword="true"/> to go on; <see langword="false"/> to stop.</returns>
public delegate bool StoredPageVisitor(ulong pageFrame, ReadOnlySpan<byte> page);
