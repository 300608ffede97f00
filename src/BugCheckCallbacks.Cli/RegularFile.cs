namespace BugCheckCallbacks.Cli;

/// <summary>The one rule for what the CLI reads: a file with content, looked at (its links followed) before it is opened.</summary>
internal static class RegularFile
{
    /// <summary>What a file of no size is said to be: every FIFO, device, socket and /proc file reports size 0.</summary>
    public const string NotRegular = "is empty or not a regular file (a FIFO, a device, a socket)";

    /// <summary>
    /// Gets the size of the file at <paramref name="path"/>, its links followed, without opening it: 0 for what has no size
    /// (so nothing that would block or never end is opened), null when nothing is there.
    /// </summary>
    /// <exception cref="IOException">A link loop, or a link that cannot be read.</exception>
    public static long? ContentLength(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            _ = info.ResolveLinkTarget(returnFinalTarget: true); // a link loop throws here, not at open
        }

        return info.Exists ? info.Length : null;
    }
}
