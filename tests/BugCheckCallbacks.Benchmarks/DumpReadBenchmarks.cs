using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// Reading a kernel dump's memory through the reader users call: one 4 KiB virtual page read once the page tables are
/// cached (the reader's translation cache is warm), and one 4 KiB physical page read, over the 4,096 pages of 16 MiB of
/// kernel memory in a 64 MiB complete dump.
/// </summary>
[BenchmarkCategory("DumpRead")]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class DumpReadBenchmarks
{
    private const int Pages = (int)(BenchmarkMachine.KernelSize / 4096);
    private readonly byte[] _page = new byte[4096];
    private string _path = null!;
    private DumpFile _dump = null!;
    private ulong[] _physical = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "bcb-read.dmp");
        using (var writer = DumpFileWriter.Create(_path))
        {
            new SimulatedKernel(BenchmarkMachine.Complete(64)).KeBugCheckEx(0xD1, sink: writer);
        }

        _dump = DumpFile.Open(_path);
        _physical = new ulong[Pages];
        for (var i = 0; i < Pages; i++)
        {
            if (!_dump.TryTranslate(BenchmarkMachine.KernelBase + ((ulong)i * 4096), out _physical[i])) // and warms the cache
            {
                throw new InvalidOperationException($"Kernel page {i} is not mapped in the benchmark dump.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dump.Dispose();
        File.Delete(_path);
    }

    [Benchmark(Description = "virtual 4 KiB page read, page tables cached")]
    public int ReadVirtualPage()
    {
        var i = _next = (_next + 1) & (Pages - 1);
        return _dump.ReadVirtual(BenchmarkMachine.KernelBase + ((ulong)i * 4096), _page);
    }

    [Benchmark(Baseline = true, Description = "physical 4 KiB page read")]
    public int ReadPhysicalPage()
    {
        var i = _next = (_next + 1) & (Pages - 1);
        return _dump.ReadPhysical(_physical[i], _page);
    }
}
