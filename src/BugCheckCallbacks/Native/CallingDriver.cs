namespace BugCheckCallbacks.Native;

/// <summary>
/// Which driver's code runs on this thread: DriverEntry, DriverUnload, or one of its routines. The kernel routines a
/// driver calls back into (<see cref="KernelRoutines"/>) ask it whose memory, pool and records a call is about.
/// </summary>
internal static class CallingDriver
{
    [ThreadStatic]
    private static NativeDriver? t_current;

    /// <summary>Gets the driver whose code runs on this thread, or null.</summary>
    public static NativeDriver? Current => t_current;

    /// <summary>Marks <paramref name="driver"/> as the one running on this thread; returns the one to restore.</summary>
    public static NativeDriver? Enter(NativeDriver? driver)
    {
        var outer = t_current;
        t_current = driver;
        return outer;
    }

    public static void Leave(NativeDriver? outer) => t_current = outer;

    /// <summary>Makes this thread's first access to the thread-static now: it allocates, and must not inside a routine's call.</summary>
    public static void Touch() => t_current = null;
}
