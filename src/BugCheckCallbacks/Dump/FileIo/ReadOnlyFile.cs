namespace BugCheckCallbacks.Dump;

/// <summary>Opens a file for random-access reads and hands it to a reader that owns it from then on.</summary>
internal static class ReadOnlyFile
{
    public static T Open<T>(string path, Func<FileStream, T> reader)
    {
        // Looked at before it is opened: a FIFO's open blocks until a writer comes, a device never ends, a directory is not
        // a file. Each has no size (or is a directory), and is refused at once as not a dump.
        if (Directory.Exists(path))
        {
            throw new InvalidDumpException(0, $"{path} is a directory, not a dump file.");
        }

        var info = new FileInfo(path);
        try
        {
            if (info.LinkTarget is not null)
            {
                _ = info.ResolveLinkTarget(returnFinalTarget: true); // a link loop throws here, not at open
            }
        }
        catch (IOException exception) when (exception is not FileNotFoundException)
        {
            throw new InvalidDumpException(0, $"{path} is a symbolic link that cannot be followed: {exception.Message}");
        }

        if (info.Exists && info.Length == 0)
        {
            throw new InvalidDumpException(0, $"{path} is empty or not a regular file (a FIFO, a device, a socket): there is nothing to read.");
        }

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
