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

    public static long Begin() => GC.GetAllocatedBytesForCurrentThread();

    public static void End(long allocatedAtBegin) => t_excludedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedAtBegin;
}
