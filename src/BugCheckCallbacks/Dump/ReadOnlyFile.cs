namespace BugCheckCallbacks.Dump;

/// <summary>Opens a file for random-access reads and hands it to a reader that owns it from then on.</summary>
internal static class ReadOnlyFile
{
    public static T Open<T>(string path, Func<FileStream, T> reader)
    {
        // Unbuffered: every read is a positional read of exactly the bytes asked for (see StreamRegion).
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        try
        {
            return reader(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
