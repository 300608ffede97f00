using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    /// <summary>
    /// The most a call's allocation counter can move with nothing allocated (docs/verifier.md, "Why BCV0003 is exact"):
    /// the unused rest of the thread's allocation context, which the runtime hands out 8 KiB at a time; twice that for
    /// margin.
    /// </summary>
    internal const long AllocationContextBound = 16 * 1024;

    private readonly List<InconclusiveVerdict> _inconclusive = [];

    /// <summary>
    /// Opens a call's window. The runtime's pause count and time are read before the allocation counter, and after it
    /// at the end, so that any suspension of the thread between the two counter reads shows in them.
    /// </summary>
    private CallProbe BeginProbe()
    {
        RoutineNotes.Take(); // forget what came before this call (outside the window: the first access allocates)
        var detect = _options.DetectAllocations;
        var collections = detect ? GC.CollectionCount(0) : 0;
        var paused = detect ? GC.GetTotalPauseDuration() : TimeSpan.Zero;
        return new(
            _sequence++,
            detect ? GC.GetAllocatedBytesForCurrentThread() - KernelAllocationLedger.ExcludedBytes : 0,
            collections,
            paused,
            _options.TimeProvider.GetTimestamp());
    }

    private CallResult EndProbe(CallProbe probe, Exception? exception)
    {
        var duration = _options.TimeProvider.GetElapsedTime(probe.StartTimestamp);
        var detect = _options.DetectAllocations;
        // What the registry allocated on the callback's behalf (KernelAllocationLedger) is not charged to the callback.
        var allocated = detect ? GC.GetAllocatedBytesForCurrentThread() - KernelAllocationLedger.ExcludedBytes - probe.AllocatedBefore : 0;
        var suspended = detect && (GC.CollectionCount(0) != probe.Collections || GC.GetTotalPauseDuration() != probe.Paused);
        var (poolCalls, poolBytes) = RoutineNotes.Take();
        return new CallResult(probe.Sequence, exception, duration, allocated, poolCalls, poolBytes, suspended);
    }

    /// <summary>
    /// Judges a call whose allocation counter moved: a violation, unless the runtime suspended the thread during the call
    /// and the counter moved by no more than one allocation context — then the call may have allocated nothing, and the
    /// verdict is inconclusive, never a violation.
    /// </summary>
    private void JudgeAllocation(CallSite site, CallResult call)
    {
        if (call.RuntimeSuspended && call.AllocatedBytes <= AllocationContextBound)
        {
            _inconclusive.Add(new InconclusiveVerdict(ViolationKind.AllocatedMemory, site.Phase, site.Reason, site.Component, site.Index, site.CallNumber,
                Invariant($"The allocation counter moved by {call.AllocatedBytes} bytes while the runtime suspended the thread (a garbage collection or another pause); that is no more than the unused part of an allocation context, which a suspension can count as allocated, so the call may have allocated nothing.")));
            return;
        }

        Violate(site, ViolationKind.AllocatedMemory, Invariant($"The call allocated {call.AllocatedBytes} bytes of managed memory."));
    }

    private readonly record struct CallProbe(int Sequence, long AllocatedBefore, int Collections, TimeSpan Paused, long StartTimestamp);

    internal readonly record struct CallResult(int Sequence, Exception? Exception, TimeSpan Duration, long AllocatedBytes, int PoolCalls = 0, ulong PoolBytes = 0, bool RuntimeSuspended = false);
}
