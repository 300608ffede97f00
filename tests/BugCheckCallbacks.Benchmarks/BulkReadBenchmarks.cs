using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// Reading a ≥ 1 GiB dump of each body kind (run-based, FDMP, SDMP) as scanners do, through the reader users call: open;
/// every stored page in file order (<see cref="DumpFile.ForEachStoredPage"/>, each page copied out, as kdmp-parser's copy
/// loop does) and page by page (<see cref="DumpFile.ReadPhysical"/> per page); 100,000 random stored pages, one
/// <see cref="DumpFile.ReadPhysical"/> each and as one sorted <see cref="DumpFile.ReadPages"/>. Default (positional
/// reads) and memory-mapped (<see cref="DumpFile.OpenMapped"/>). The dumps stay in the temporary folder between runs.
/// </summary>
[BenchmarkCategory("BulkRead")]
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class BulkReadBenchmarks
{
    private const int RandomPages = 100_000;
    private readonly byte[] _page = new byte[4096];
    private DumpFile _dump = null!;
    private ulong[] _frames = null!;
    private ulong[] _random = null!;
    private string _path = null!;

    [Params("Full", "BitmapFull", "Kernel")]
    public string Kind { get; set; } = "Full";

    [Params(false, true)]
    public bool Mapped { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = BenchmarkMachine.LargeDump(Kind);
        _dump = Open();
        _frames = [.. _dump.EnumerateStoredRuns().SelectMany(r => Enumerable.Range(0, (int)r.PageCount).Select(i => r.BasePage + (ulong)i))];
        var random = new Random(20261203);
        _random = [.. Enumerable.Range(0, RandomPages).Select(_ => _frames[random.Next(_frames.Length)])];
    }

    [GlobalCleanup]
    public void Cleanup() => _dump.Dispose();

    [Benchmark(Description = "open and parse")]
    public long OpenAndParse()
    {
        using var dump = Open();
        return (long)dump.StoredPageCount;
    }

    [Benchmark(Description = "every stored page in file order, copied out")]
    public long EveryPage() => _dump.ForEachStoredPage((_, page) =>
    {
        page.CopyTo(_page);
        return true;
    });

    [Benchmark(Description = "every stored page, one ReadPhysical each")]
    public long EveryPageOneByOne()
    {
        var total = 0L;
        foreach (var frame in _frames)
        {
            total += _dump.ReadPhysical(frame << 12, _page);
        }

        return total;
    }

    [Benchmark(Description = "100,000 random pages, one ReadPhysical each")]
    public long RandomPagesOneByOne()
    {
        var total = 0L;
        foreach (var frame in _random)
        {
            total += _dump.ReadPhysical(frame << 12, _page);
        }

        return total;
    }

    [Benchmark(Description = "100,000 random pages, one sorted ReadPages")]
    public long RandomPagesSorted() => _dump.ReadPages(_random, (_, page) =>
    {
        page.CopyTo(_page);
        return true;
    });

    private DumpFile Open() => Mapped ? DumpFile.OpenMapped(_path) : DumpFile.Open(_path);
}
