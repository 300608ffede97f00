using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>Opens either a .bcdump file or a bare DumpBlob region, told apart by their first bytes.</summary>
internal sealed class DumpSource : IDisposable
{
    private DumpSource(DumpFile? file, DumpBlobReader blobs)
    {
        File = file;
        Blobs = blobs;
    }

    /// <summary>The dump file, or null for a bare DumpBlob region.</summary>
    public DumpFile? File { get; }

    public DumpBlobReader Blobs { get; }

    public static DumpSource Open(string path)
    {
        Span<byte> start = stackalloc byte[8];
        using (var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            start = start[..probe.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)];
        }

        if (DumpFile.HasMagic(start))
        {
            var file = DumpFile.Open(path);
            return new DumpSource(file, file.OpenSecondaryData());
        }

        if (start.SequenceEqual(DumpBlob.Signature))
        {
            return new DumpSource(null, DumpBlobReader.Open(path));
        }

        throw new InvalidDumpException(0, $"{path} is neither a .bcdump file (\"BCCBDUMP\") nor a DumpBlob region (\"DumpBlob\").");
    }

    public void Dispose()
    {
        Blobs.Dispose();
        File?.Dispose();
    }
}
