namespace BugCheckCallbacks.Registration;

/// <summary>
/// Counts, per thread, the managed bytes the simulated kernel itself allocates while serving a callback (a callback
/// that deregisters itself makes the registry publish a new array). The verifier subtracts them, so a callback is
/// only charged for its own allocations: in the real kernel, deregistration allocates nothing.
/// </summary>
internal static class KernelAllocationLedger
{
    [ThreadStatic]
    private static long t_excludedBytes;

    public static long ExcludedBytes => t_excludedBytes;

    /// <summary>Makes the calling thread allocate its thread-static storage now (its first access allocates it), before anything is measured.</summary>
    public static void Touch() => t_excludedBytes += 0;

    public static long Begin() => GC.GetAllocatedBytesForCurrentThread();

    public static void End(long allocatedAtBegin) => t_excludedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedAtBegin;
}
