namespace BugCheckCallbacks.Dump;

/// <summary>Opens a file for random-access reads and hands it to a reader that owns it from then on.</summary>
internal static class ReadOnlyFile
{
    public static T Open<T>(string path, Func<FileStream, T> reader)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
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
