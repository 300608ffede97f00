using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// The CLI's built-in scenario (ten drivers, two faulty on purpose) bug-checked in the library with no sink: the
/// outcome only. The kernel and its scripted callbacks are built outside the measurement, as a driver registers before
/// the crash. Reports bug checks per second and bytes allocated per bug check.
/// </summary>
[BenchmarkCategory("BugCheck")]
[SimpleJob(warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class ScenarioBenchmarks
{
    private ScenarioFile _scenario = null!;
    private SimulatedKernel _kernel = null!;

    [GlobalSetup]
    public void Load() => _scenario = ScenarioLoader.LoadDefault();

    [IterationSetup]
    public void Build() => _kernel = ScenarioBuilder.CreateKernel(_scenario, dumpType: null, order: null);

    [Benchmark(Description = "built-in scenario, outcome only")]
    public long BugCheck() => _kernel.KeBugCheckEx(0xD1).TotalCalls;
}
