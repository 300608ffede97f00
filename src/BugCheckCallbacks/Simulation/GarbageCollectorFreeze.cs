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

    private static readonly Lock s_gate = new();
    private readonly bool _started;

    private GarbageCollectorFreeze(bool started) => _started = started;

    public static GarbageCollectorFreeze Enter()
    {
        lock (s_gate)
        {
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
