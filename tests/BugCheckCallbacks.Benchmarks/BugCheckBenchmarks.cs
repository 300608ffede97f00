using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// A whole bug check with 1,000 callbacks for every dispatched reason, each SecondaryDumpData and multi-part callback
/// returning <see cref="SecondaryBytes"/> of data. Blobs stream into the sink, so allocation should not follow the
/// output size; the kernel and its callbacks (with their resident buffers) are built outside the measurement.
/// </summary>
[BenchmarkCategory("BugCheck")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class BugCheckBenchmarks
{
    private const int PerReason = 1000;
    private SimulatedKernel _kernel = null!;

    [Params(4 * 1024, 64 * 1024)]
    public int SecondaryBytes { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _kernel = new SimulatedKernel(new SimulationOptions
        {
            DumpType = DumpType.Automatic,
            SecondaryDataBudget = 0xF0000000,
            MultiPartReservation = (uint)(PerReason * (0x20 + ((SecondaryBytes + 7) & ~7))), // one part per multi-part callback
            TriageMaxVirtMemSize = 0x1000,
            DetectAllocations = true,
        });
        var triageArray = new TriageDumpDataArray(0x40);
        for (var i = 0; i < PerReason; i++)
        {
            var id = i;
            var tag = new Guid(id, 0, 0, new byte[8]);
            var resident = new byte[SecondaryBytes];
            Register(BugCheckCallbackReason.Reserved1, (_, _, _) => { });
            Register(BugCheckCallbackReason.TriageDumpData, (_, _, data) =>
            {
                triageArray.Initialize(0x40);
                triageArray.AddBlock(0xFFFF800000000000 + ((ulong)id * 0x1000), 256);
                ((TriageDumpData)data!).DataArray = triageArray;
            });
            Register(BugCheckCallbackReason.AddPages, (_, _, data) =>
            {
                var d = (PageRangeData)data!;
                d.Flags = PageRangeFlags.PhysicalAddress;
                d.Address = 0x100000 + ((ulong)id * 0x2000);
                d.Count = 1;
            });
            Register(BugCheckCallbackReason.RemovePages, (_, _, data) =>
            {
                var d = (PageRangeData)data!;
                d.Flags = PageRangeFlags.PhysicalAddress;
                d.Address = 0x2000000 + ((ulong)id * 0x1000);
                d.Count = 1;
            });
            Register(BugCheckCallbackReason.DumpIo, (_, _, _) => { });
            Register(BugCheckCallbackReason.SecondaryDumpData, (_, _, data) =>
            {
                var d = (SecondaryDumpData)data!;
                if (d.IsSizeQuery)
                {
                    d.OutBufferLength = (uint)resident.Length;
                    return;
                }

                d.Guid = tag;
                d.SetOutput(resident);
            });
            Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, (_, _, data) =>
            {
                var d = (SecondaryDumpDataEx)data!;
                d.Guid = tag;
                d.SetOutput(resident);
            });
        }
    }

    [Benchmark]
    public int BugCheck() => _kernel.KeBugCheckEx(0xD1, sink: null).Invocations.Count;

    private void Register(BugCheckCallbackReason reason, BugCheckReasonCallback callback) =>
        _kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), callback, reason, "bench.sys");
}
