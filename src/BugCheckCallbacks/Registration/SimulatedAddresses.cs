namespace BugCheckCallbacks.Registration;

/// <summary>
/// Hands out the simulated kernel addresses that the checksum is computed over: every registration gets a fresh
/// routine address (in a driver image range) and a fresh component-string address (in non-paged pool).
/// </summary>
internal static class SimulatedAddresses
{
    /// <summary>Where simulated driver code starts (a typical x64 driver image base).</summary>
    public const ulong CodeBase = 0xFFFFF80000000000;

    /// <summary>Where simulated non-paged pool starts.</summary>
    public const ulong PoolBase = 0xFFFFA00000000000;

    private static long s_next;

    public static (ulong Routine, ulong Component) Next()
    {
        var n = (ulong)Interlocked.Increment(ref s_next);
        return (CodeBase + (n * 0x40), PoolBase + (n * 0x100));
    }

    /// <summary>The kernel's checksum: routine + reason + component, as address arithmetic (wrapping).</summary>
    public static ulong Checksum(ulong routine, BugCheckCallbackReason reason, ulong component) =>
        unchecked(routine + (ulong)(long)reason + component);

    /// <summary>The classic record's checksum: routine + buffer + length + component, as address arithmetic.</summary>
    public static ulong Checksum(ulong routine, ulong buffer, uint length, ulong component) =>
        unchecked(routine + buffer + length + component);
}
