using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// <c>allocation-stress [bugChecksPerThread]</c>: the BCV0003 verdicts under the load a parallel test run makes (docs/verifier.md,
/// "Measured"). Four threads bug-check at once, each kernel with eight allocation-free callbacks, while two threads
/// allocate without pause; then the same load with callbacks that make one small real allocation each. Prints how
/// many innocent calls were accused, how many allocating calls were found, and how many verdicts were inconclusive.
/// Not a timed test: it counts verdicts.
/// </summary>
internal static class AllocationStress
{
    private const int BugCheckThreads = 4;
    private const int AllocatingThreads = 2;

    private static object? s_escape; // where the real allocations go, so that no allocation can be optimized away
    private static readonly int[] s_numbers = [.. Enumerable.Range(0, 16)];

    /// <summary>The small real allocations, one per callback: each must be found every time.</summary>
    private static readonly (string Name, BugCheckReasonCallback Callback)[] s_allocations =
    [
        ("a boxed int", (_, _, _) => s_escape = Environment.TickCount),
        ("a 1-element array", (_, _, _) => s_escape = new int[1]),
        ("a closure", (_, _, _) => s_escape = Closure(Environment.TickCount)),
        ("a string concat", (_, _, _) => s_escape = string.Concat("tick ", Environment.TickCount.ToString(CultureInfo.InvariantCulture))),
        ("a LINQ call", (_, _, _) => s_escape = s_numbers.Where(n => n > 3)),
        ("an async state machine", (_, _, _) => s_escape = Pending(Environment.TickCount)),
    ];

    public static int Run(int bugChecksPerThread)
    {
        var stop = false;
        var load = Enumerable.Range(0, AllocatingThreads).Select(id => new Thread(() =>
        {
            var random = new Random(id);
            var keep = new object[1024];
            for (var i = 0; !Volatile.Read(ref stop); i++)
            {
                keep[i & 1023] = new byte[random.Next(16, 4096)];
            }
        }) { IsBackground = true }).ToArray();
        foreach (var thread in load)
        {
            thread.Start();
        }

        try
        {
            var innocent = Measure(bugChecksPerThread, _ => Enumerable.Repeat<BugCheckReasonCallback>(static (_, _, _) => { }, 8));
            Report("allocation-free callbacks (8 per kernel)", innocent, "accused");
            var allAllocationsFound = true;
            foreach (var (name, callback) in s_allocations)
            {
                var found = Measure(bugChecksPerThread / 4, _ => [callback]);
                Report(name, found, "found");
                allAllocationsFound &= found.Violations == found.Calls;
            }

            return innocent.Violations == 0 && allAllocationsFound ? 0 : 1;
        }
        finally
        {
            Volatile.Write(ref stop, true);
        }
    }

    private static Tally Measure(int bugChecksPerThread, Func<int, IEnumerable<BugCheckReasonCallback>> callbacks)
    {
        long calls = 0, violations = 0, inconclusive = 0;
        var watch = Stopwatch.StartNew();
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var threads = Enumerable.Range(0, BugCheckThreads).Select(t => new Thread(() =>
        {
            for (var i = 0; i < bugChecksPerThread; i++)
            {
                var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Header });
                var c = 0;
                foreach (var callback in callbacks(i))
                {
                    kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), callback, BugCheckCallbackReason.Reserved1, string.Create(CultureInfo.InvariantCulture, $"c{c++}.sys"));
                }

                var outcome = kernel.KeBugCheckEx(0xD1);
                Interlocked.Add(ref calls, outcome.TotalCalls);
                Interlocked.Add(ref violations, outcome.Violations.Count(v => v.Kind == ViolationKind.AllocatedMemory));
                Interlocked.Add(ref inconclusive, outcome.Inconclusive.Count);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return new Tally(calls, violations, inconclusive, GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2, watch.Elapsed);
    }

    private static void Report(string what, Tally tally, string verdict) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {tally.Calls:N0} calls, {verdict} {tally.Violations:N0}, inconclusive {tally.Inconclusive:N0}; {tally.Gen0:N0} collections ({tally.Gen2:N0} of gen2) meanwhile, {tally.Elapsed.TotalSeconds:F1} s"));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Func<int> Closure(int value) => () => value;

    private static async Task<int> Pending(int value)
    {
        await Task.Yield();
        return value;
    }

    private readonly record struct Tally(long Calls, long Violations, long Inconclusive, int Gen0, int Gen2, TimeSpan Elapsed);
}
