namespace BugCheckCallbacks.Simulation;

/// <summary>
/// What a native routine asked of the kernel during its call that the verifier reports afterwards (pool allocations at
/// HIGH_LEVEL), counted in thread-static fields so that counting allocates nothing inside the probe's window.
/// </summary>
internal static class RoutineNotes
{
    [ThreadStatic]
    private static int t_poolCalls;

    [ThreadStatic]
    private static ulong t_poolBytes;

    public static void PoolCall(ulong bytes)
    {
        t_poolCalls++;
        t_poolBytes += bytes;
    }

    /// <summary>Returns what was noted since the last take, and forgets it.</summary>
    public static (int PoolCalls, ulong PoolBytes) Take()
    {
        var notes = (t_poolCalls, t_poolBytes);
        (t_poolCalls, t_poolBytes) = (0, 0);
        return notes;
    }
}
