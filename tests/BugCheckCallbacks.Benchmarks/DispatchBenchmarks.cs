using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// Dispatch of one reason to N callbacks against a raw loop over a delegate array doing the same work. Every callback
/// bumps a counter and copies <see cref="Body"/> bytes of state into its resident log: nothing, 64 bytes (a small
/// but realistic bug-check callback) or 1 KiB (a secondary-data callback handing over a page-sized record).
/// The registry path keeps the records Inserted between dispatches (the DumpIo path), so every iteration calls all N.
/// Both buffers start on a cache line: unaligned, the copy's cost (and so every ratio) changed by half from one
/// process to the next, with where the arrays happened to land.
/// </summary>
[BenchmarkCategory("Dispatch")]
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class DispatchBenchmarks
{
    private readonly DumpIoData _data = new();
    private BugCheckCallbackRegistry _registry = null!;
    private BugCheckReasonCallback[] _delegates = null!;
    private BugCheckReasonCallbackRecord _record = null!;
    private DispatchResult[] _results = null!;
    private byte[] _log = null!;
    private byte[] _state = null!;
    private int _logStart;
    private int _stateStart;
    private long _counter;

    [Params(1, 100, 10_000)]
    public int N { get; set; }

    [Params(0, 64, 1024)]
    public int Body { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _registry = new BugCheckCallbackRegistry();
        (_log, _logStart) = CacheLineAligned(64 * Body);
        (_state, _stateStart) = CacheLineAligned(Body);
        Random.Shared.NextBytes(_state.AsSpan(_stateStart, Body));
        BugCheckReasonCallback callback = Body > 0 ? Work : Empty;
        _delegates = new BugCheckReasonCallback[N];
        for (var i = 0; i < N; i++)
        {
            _delegates[i] = callback;
            _registry.Register(new BugCheckReasonCallbackRecord(), callback, BugCheckCallbackReason.DumpIo, "bench.sys");
        }

        _record = new BugCheckReasonCallbackRecord();
        _results = new DispatchResult[N];
    }

    [Benchmark(Baseline = true, Description = "raw delegate loop")]
    public long RawLoop()
    {
        var delegates = _delegates;
        for (var i = 0; i < delegates.Length; i++)
        {
            delegates[i](BugCheckCallbackReason.DumpIo, _record, _data);
        }

        return _counter;
    }

    [Benchmark(Description = "registry dispatch")]
    public int RegistryDispatch() => _registry.DispatchCore(BugCheckCallbackReason.DumpIo, _data, _results, finish: false);

    [Benchmark(Description = "registry dispatch, no per-record results")]
    public int RegistryDispatchWithoutResults() => _registry.DispatchCore(BugCheckCallbackReason.DumpIo, _data, [], finish: false);

    private void Work(BugCheckCallbackReason reason, BugCheckReasonCallbackRecord record, ReasonCallbackData? data)
    {
        var slot = (int)(_counter++ & 63) * Body;
        _state.AsSpan(_stateStart, Body).CopyTo(_log.AsSpan(_logStart + slot, Body));
    }

    private static (byte[] Array, int Start) CacheLineAligned(int length)
    {
        var array = GC.AllocateArray<byte>(length + 63, pinned: true); // pinned, so the alignment holds
        var misalignment = (int)(Marshal.UnsafeAddrOfPinnedArrayElement(array, 0) & 63);
        return (array, (64 - misalignment) & 63);
    }

    private void Empty(BugCheckCallbackReason reason, BugCheckReasonCallbackRecord record, ReasonCallbackData? data) => _counter++;
}
