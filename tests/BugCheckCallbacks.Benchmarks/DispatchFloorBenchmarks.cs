using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// The fixed cost of one dispatch, whatever N: a dispatch of a reason with no records, next to the one atomic
/// compare-and-swap (and release store) that serializing the dispatches of a reason needs at the least.
/// </summary>
[BenchmarkCategory("Dispatch")]
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class DispatchFloorBenchmarks
{
    private readonly BugCheckCallbackRegistry _registry = new();
    private int _owner;

    [Benchmark(Baseline = true, Description = "compare-and-swap + release store")]
    public int CompareAndSwap()
    {
        var previous = Interlocked.CompareExchange(ref _owner, Environment.CurrentManagedThreadId, 0);
        Volatile.Write(ref _owner, 0);
        return previous;
    }

    [Benchmark(Description = "dispatch of a reason with no records")]
    public int EmptyDispatch() => _registry.DispatchCore(BugCheckCallbackReason.DumpIo, null, [], finish: false);
}
