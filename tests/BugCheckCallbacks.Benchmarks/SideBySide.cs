using System.Diagnostics;
using System.Globalization;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// `-- side-by-side KIND [mapped]`: the operations kdmp-parser is timed on, timed the same way in one process (open;
/// every stored page copied out in address order; 100,000 random pages, seed 20261203), so the two print comparable
/// milliseconds for docs/performance.md. The dump is BenchmarkMachine.LargeDump(KIND).
/// </summary>
internal static class SideBySide
{
    public static int Run(string kind, bool mapped)
    {
        var path = BenchmarkMachine.LargeDump(kind);
        var buffer = new byte[4096];
        var sum = 0L;
        var watch = Stopwatch.StartNew();
        using var dump = mapped ? DumpFile.OpenMapped(path) : DumpFile.Open(path);
        var open = watch.Elapsed.TotalMilliseconds;
        var frames = dump.EnumerateStoredRuns().SelectMany(r => Enumerable.Range(0, (int)r.PageCount).Select(i => r.BasePage + (ulong)i)).ToArray();
        watch.Restart();
        dump.ForEachStoredPage((_, page) =>
        {
            page.CopyTo(buffer);
            sum += buffer[17];
            return true;
        });
        var all = watch.Elapsed.TotalMilliseconds;
        var random = new Random(20261203);
        var picks = Enumerable.Range(0, 100_000).Select(_ => frames[random.Next(frames.Length)]).ToArray();
        watch.Restart();
        foreach (var frame in picks)
        {
            dump.ReadPhysical(frame << 12, buffer);
            sum += buffer[33];
        }

        var randomMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        dump.ReadPages(picks, (_, page) =>
        {
            sum += page[33];
            return true;
        });
        var sorted = watch.Elapsed.TotalMilliseconds;
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BugCheckCallbacks{(mapped ? " mapped" : string.Empty)} pages={frames.Length} open={open:F1} all={all:F1} random={randomMs:F1} random-sorted={sorted:F1} peak={process.PeakWorkingSet64 >> 20}MiB sum={sum}"));
        Console.WriteLine(path);
        return 0;
    }
}
