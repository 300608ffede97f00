using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// Register + deregister of one record next to K records already registered for the same reason, and 100,000
/// registrations into an empty registry.
/// </summary>
[BenchmarkCategory("Registration")]
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class RegistrationBenchmarks
{
    private static readonly BugCheckReasonCallback s_callback = (_, _, _) => { };
    private readonly BugCheckReasonCallbackRecord _record = new();
    private BugCheckCallbackRegistry _registry = null!;

    private BugCheckReasonCallbackRecord[] _many = null!;

    [Params(0, 1_000, 100_000)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _registry = new BugCheckCallbackRegistry();
        for (var i = 0; i < K; i++)
        {
            _registry.Register(new BugCheckReasonCallbackRecord(), s_callback, BugCheckCallbackReason.SecondaryDumpData, "other.sys");
        }
    }

    [Benchmark]
    public bool RegisterAndDeregister() =>
        _registry.Register(_record, s_callback, BugCheckCallbackReason.SecondaryDumpData, "bench.sys") && _registry.Deregister(_record);

    [IterationSetup(Target = nameof(Register100000))]
    public void NewRecords() => _many = Enumerable.Range(0, 100_000).Select(_ => new BugCheckReasonCallbackRecord()).ToArray();

    [Benchmark(OperationsPerInvoke = 1)]
    public int Register100000()
    {
        var registry = new BugCheckCallbackRegistry();
        foreach (var record in _many)
        {
            registry.Register(record, s_callback, BugCheckCallbackReason.SecondaryDumpData, "many.sys");
        }

        return registry.Count;
    }
}
