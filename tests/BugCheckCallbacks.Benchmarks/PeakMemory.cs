using System.Diagnostics;
using System.Globalization;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// Simulates a bug check whose body is <c>mebibytes</c> MiB of added pages, writes it to a temporary .bcdump, reads it
/// all back, and prints the process's peak working set: the figure the streaming claim is about.
/// </summary>
internal static class PeakMemory
{
    public static int Run(int mebibytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bcb-peak-{Environment.ProcessId}.bcdump");
        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Full });
        var pages = (ulong)mebibytes * 256;
        kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, data) =>
        {
            var d = (PageRangeData)data!;
            d.Flags = PageRangeFlags.PhysicalAddress;
            d.Address = 0;
            d.Count = pages;
        }, BugCheckCallbackReason.AddPages, "peak.sys");

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
            dump.VerifyChecksums();
            var buffer = new byte[1 << 20];
            foreach (var range in dump.EnumerateBodyRanges())
            {
                using var data = dump.OpenBodyRange(range);
                int n;
                while ((n = data.Read(buffer)) > 0)
                {
                    read += n;
                }
            }
        }

        var readTime = watch.Elapsed;
        var size = new FileInfo(path).Length;
        File.Delete(path);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"dump: {size / (1 << 20)} MiB; simulate+write {writeTime.TotalSeconds:F2} s ({size / writeTime.TotalSeconds / (1 << 20):F0} MiB/s); verify+read {readTime.TotalSeconds:F2} s"));
        Console.WriteLine(string.Create(c, $"peak working set: {peak / (1 << 20)} MiB (before the run: {before / (1 << 20)} MiB); body bytes read back: {read / (1 << 20)} MiB"));
        return 0;
    }
}
