using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// Writing a 1 GiB dump (1,024 body pieces of 1 MiB) with <see cref="DumpFileWriter"/> against a plain 1 GiB file
/// copy, and reading every body byte back through <see cref="DumpFile"/>. Files go to the temporary folder.
/// </summary>
[BenchmarkCategory("DumpFile")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DumpFileBenchmarks
{
    private const int Pieces = 1024;
    private const int PieceBytes = 1 << 20;
    private readonly byte[] _piece = new byte[PieceBytes];
    private string _source = null!;
    private string _target = null!;
    private string _dump = null!;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_piece);
        var folder = Path.GetTempPath();
        _source = Path.Combine(folder, "bcb-source.bin");
        _target = Path.Combine(folder, "bcb-target.bin");
        _dump = Path.Combine(folder, "bcb-dump.bcdump");
        using (var source = new FileStream(_source, FileMode.Create, FileAccess.Write, FileShare.None, PieceBytes))
        {
            for (var i = 0; i < Pieces; i++)
            {
                source.Write(_piece);
            }
        }

        WriteDump();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        File.Delete(_source);
        File.Delete(_target);
        File.Delete(_dump);
    }

    [Benchmark(Baseline = true, Description = "plain 1 GiB file copy")]
    public void CopyFile()
    {
        using var source = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.Read, PieceBytes);
        using var target = new FileStream(_target, FileMode.Create, FileAccess.Write, FileShare.None, PieceBytes);
        source.CopyTo(target, PieceBytes);
    }

    [Benchmark(Description = "write 1 GiB dump")]
    public long WriteDump()
    {
        using var writer = DumpFileWriter.Create(_dump);
        writer.WriteHeader(new DumpHeaderInfo(0xD1, 0, 0, 0, 0, DumpType.Full, 4096));
        for (var i = 0; i < Pieces; i++)
        {
            writer.WriteBodyRange(new PageRange(AddressSpace.Physical, (ulong)i * PieceBytes, PieceBytes / 4096), _piece);
        }

        writer.WriteSecondaryBlob(Guid.NewGuid(), "bench.sys", _piece.AsSpan(0, 4096));
        writer.Complete(new BugCheckOutcome { BugCheckCode = 0xD1, DumpType = DumpType.Full, PageSize = 4096 });
        return writer.BytesWritten;
    }

    [Benchmark(Description = "read 1 GiB dump body")]
    public long ReadDump()
    {
        using var dump = DumpFile.Open(_dump);
        long total = 0;
        foreach (var range in dump.EnumerateBodyRanges())
        {
            using var data = dump.OpenBodyRange(range);
            int read;
            while ((read = data.Read(_piece)) > 0)
            {
                total += read;
            }
        }

        return total;
    }

    [Benchmark(Description = "list tags of 1 GiB dump")]
    public int ListTags()
    {
        using var dump = DumpFile.Open(_dump);
        return dump.EnumerateTags().Count();
    }
}
