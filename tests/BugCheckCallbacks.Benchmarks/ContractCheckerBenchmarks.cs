using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Checking;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// One contract check of a careful SecondaryDumpData callback with the default options: the fixed table over the seven
/// dump types and 32 generated situations, 95 whole bug checks on kernels of their own, as a unit test runs it.
/// </summary>
[BenchmarkCategory("Checker")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ContractCheckerBenchmarks
{
    private readonly byte[] _log = new byte[1024];
    private readonly Guid _tag = Guid.NewGuid();

    [Benchmark]
    public ContractCheckResult CheckSecondaryData() => ContractChecker.Check<SecondaryDumpData>(
        (_, data) =>
        {
            if (data.IsSizeQuery)
            {
                data.OutBufferLength = (uint)_log.Length;
            }
            else if (data.MaximumAllowed >= _log.Length)
            {
                data.Guid = _tag;
                data.SetOutput(_log);
            }
        },
        new ContractCheckOptions { IncludeSecondInstance = false });
}
