using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>Register + deregister of one record next to K records already registered for the same reason.</summary>
[BenchmarkCategory("Registration")]
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class RegistrationBenchmarks
{
    private static readonly BugCheckReasonCallback s_callback = (_, _, _) => { };
    private readonly BugCheckReasonCallbackRecord _record = new();
    private BugCheckCallbackRegistry _registry = null!;

    [Params(0, 100, 10_000)]
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
}
