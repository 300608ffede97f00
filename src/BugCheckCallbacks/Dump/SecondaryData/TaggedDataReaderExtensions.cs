namespace BugCheckCallbacks.Dump;

/// <summary>Conveniences over <see cref="ITaggedDataReader"/>, the same for every place blocks are read from.</summary>
public static class TaggedDataReaderExtensions
{
    /// <summary>Reads the whole first block tagged <paramref name="tag"/> (<c>ReadTagged</c> with a buffer of the block's size).</summary>
    /// <param name="reader">The dump, region or in-memory sink to read.</param>
    /// <param name="tag">The GUID tag.</param>
    /// <returns>A new array holding the block's data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">No block has the tag.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public static byte[] ReadTagged(this ITaggedDataReader reader, Guid tag)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!reader.TryReadTagged(tag, 0, [], out _, out var size))
        {
            throw TagNotFound(tag);
        }

        var data = new byte[size];
        reader.TryReadTagged(tag, 0, data, out _, out _);
        return data;
    }

    /// <summary>The one exception every reader throws for a missing tag.</summary>
    internal static KeyNotFoundException TagNotFound(Guid tag) => new($"No secondary-data block is tagged {{{tag}}}.");
}
