using System.Diagnostics;
using System.Globalization;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// Bug-checks a simulated machine with <c>mebibytes</c> MiB of physical memory, writes its complete dump to a temporary
/// file, reads every stored page back through the reader, and prints the process's peak working set: the figure the
/// streaming claim is about.
/// </summary>
internal static class PeakMemory
{
    public static int Run(int mebibytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bcb-peak-{Environment.ProcessId}.dmp");
        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        var kernel = new SimulatedKernel(BenchmarkMachine.Complete(mebibytes));

        var watch = Stopwatch.StartNew();
        using (var writer = DumpFileWriter.Create(path))
        {
            kernel.KeBugCheckEx(0xD1, sink: writer);
        }

        var writeTime = watch.Elapsed;
        watch.Restart();
        long read = 0;
        using (var dump = DumpFile.Open(path))
        {
            var buffer = new byte[1 << 20];
            foreach (var run in dump.EnumerateStoredRuns())
            {
                for (var page = run.BasePage; page < run.EndPage; page += 256)
                {
                    var length = (int)Math.Min(256, run.EndPage - page) * 4096;
                    read += dump.ReadPhysical(page << 12, buffer.AsSpan(0, length));
                }
            }
        }

        var readTime = watch.Elapsed;
        var size = new FileInfo(path).Length;
        File.Delete(path);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"dump: {size / (1 << 20)} MiB; simulate+write {writeTime.TotalSeconds:F2} s ({size / writeTime.TotalSeconds / (1 << 20):F0} MiB/s); read every page {readTime.TotalSeconds:F2} s"));
        Console.WriteLine(string.Create(c, $"peak working set: {peak / (1 << 20)} MiB (before the run: {before / (1 << 20)} MiB); page bytes read back: {read / (1 << 20)} MiB"));
        return 0;
    }
}
