using System.Runtime;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Holds garbage collection off while a bug check runs (<see cref="GC.TryStartNoGCRegion(long)"/>), as the kernel
/// freezes the other processors.
/// </summary>
/// <remarks>
/// Measured in this project: when other threads' allocations make the GC reset a thread's allocation context,
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> on that thread can grow by up to one allocation quantum (~8 KB)
/// although it allocated nothing, which charged innocent callbacks with <see cref="ViolationKind.AllocatedMemory"/> when
/// tests ran in parallel. With no GC during the bug check there is no reset. Best effort: if the process is already in a
/// no-GC region (another bug check on another thread), or the budget runs out, collection happens as usual.
/// </remarks>
internal readonly struct GarbageCollectorFreeze : IDisposable
{
    /// <summary>What all threads together may allocate before the GC runs anyway.</summary>
    private const long Budget = 16L << 20;

    // Every this many regions, a full collection first (see Enter).
    private const int RegionsPerFullCollection = 1024;

    private static readonly Lock s_gate = new();
    private static int s_regions;
    private readonly bool _started;

    private GarbageCollectorFreeze(bool started) => _started = started;

    public static GarbageCollectorFreeze Enter()
    {
        lock (s_gate)
        {
            // Starting a region collects the young generations, so what is alive at that moment — the kernel, its records,
            // the caller's objects — is promoted, and dies old. A process that bug-checks kernel after kernel (the contract
            // checker, 100,000 situations) would pile that garbage into gen2: 1.6 GiB and 5× slower per bug check at
            // 100,000. A full collection now and then keeps the heap at what is really alive.
            if (++s_regions % RegionsPerFullCollection == 0 && GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
            {
                GC.Collect();
            }

            try
            {
                return new GarbageCollectorFreeze(GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget));
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentOutOfRangeException)
            {
                return new GarbageCollectorFreeze(false); // another thread's region, or a budget this GC cannot give
            }
        }
    }

    public void Dispose()
    {
        if (!_started)
        {
            return;
        }

        lock (s_gate)
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try
                {
                    GC.EndNoGCRegion();
                }
                catch (InvalidOperationException)
                {
                    // The budget ran out and a collection already ended the region.
                }
            }
        }
    }
}
