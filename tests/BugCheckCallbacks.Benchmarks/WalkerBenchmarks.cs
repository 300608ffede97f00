using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// The walker users call (<c>bugcheck callbacks</c>, <see cref="KernelWalker.ReadCallbackLists"/>) on a kernel dump of a
/// crash with <see cref="Callbacks"/> registered records over 100 components: carving every mapped page, then walking each
/// list from the head carving found; against the floor of reading every stored page once.
/// </summary>
[BenchmarkCategory("Walker")]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class WalkerBenchmarks
{
    private readonly byte[] _page = new byte[4096];
    private string _path = null!;
    private DumpFile _dump = null!;

    [Params(1_000, 100_000)]
    public int Callbacks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"bcb-walker-{Callbacks}.dmp");
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic, DetectAllocations = false, Log = InvocationLog.None });
        for (var i = 0; i < Callbacks; i++)
        {
            kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), static (_, _, _) => { }, i % 2 == 0 ? BugCheckCallbackReason.Reserved1 : BugCheckCallbackReason.AddPages, $"driver{i % 100}.sys");
        }

        using (var writer = DumpFileWriter.Create(_path))
        {
            kernel.KeBugCheckEx(0xD1, sink: writer);
        }

        _dump = DumpFile.Open(_path);
        var scan = new KernelWalker(_dump).ReadCallbackLists();
        if (scan.Lists.Sum(l => l.Records.Count) != Callbacks || scan.AllFindings.Any())
        {
            throw new InvalidOperationException($"The walker found {scan.Lists.Sum(l => l.Records.Count)} of {Callbacks} records.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dump.Dispose();
        File.Delete(_path);
    }

    [Benchmark(Description = "walk every callback list, carving (KernelWalker.ReadCallbackLists)")]
    public int ReadCallbackLists() => new KernelWalker(_dump).ReadCallbackLists().Lists.Sum(l => l.Records.Count);

    [Benchmark(Baseline = true, Description = "read every stored page once")]
    public long ReadEveryStoredPage()
    {
        var sum = 0L;
        foreach (var run in _dump.EnumerateStoredRuns())
        {
            for (var page = run.BasePage; page < run.EndPage; page++)
            {
                sum += _dump.ReadPhysical(page << 12, _page);
            }
        }

        return sum;
    }
}
