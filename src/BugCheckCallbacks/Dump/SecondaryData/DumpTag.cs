namespace BugCheckCallbacks.Dump;

/// <summary>Represents one secondary-data block as the debugger's <c>.enumtag</c> lists it.</summary>
/// <param name="Tag">The GUID tag.</param>
/// <param name="Size">The data size in bytes.</param>
/// <param name="Offset">The file offset of the data.</param>
/// <param name="Component">The component whose callback wrote it, when known: a kernel dump does not record it, the outcome report beside a simulated dump does.</param>
/// <param name="FriendlyName">A name for well-known tags (see <see cref="KnownTags"/>), or <see langword="null"/>.</param>
public sealed record DumpTag(Guid Tag, uint Size, long Offset, string? Component, string? FriendlyName);
