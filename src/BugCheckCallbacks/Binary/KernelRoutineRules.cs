namespace BugCheckCallbacks.Binary;

/// <summary>
/// The one table of what a bug-check callback may call, by kernel routine (docs/inspect.md, "The rule table"): a routine
/// no row names is unknown, neither allowed nor forbidden. The first matching row wins.
/// </summary>
public static class KernelRoutineRules
{
    private const string Writing = "Microsoft Learn, \"Writing a Bug Check Reason Callback Routine\" (restrictions on bug check callback routines)";
    private const string Irql = "Microsoft Learn, the routine's reference page (its IRQL requirement; a bug check runs at HIGH_LEVEL)";

    /// <summary>Gets the rows, in match order.</summary>
    public static IReadOnlyList<KernelRoutineRule> All { get; } =
    [
        new("ExAllocatePool*", true, "allocates memory: a bug-check callback must not allocate", "BCV0003", Writing),
        new("ExFreePool*", true, "frees memory: the pool may be what crashed, and a callback must not use it", null, Writing),
        new("KeWaitFor*", true, "waits: a bug check runs at HIGH_LEVEL, where no other thread runs to end the wait", "BCV0016", Writing),
        new("KeDelayExecutionThread", true, "waits: a bug check runs at HIGH_LEVEL, where the thread cannot sleep", "BCV0016", Irql),
        new("KeAcquire*", true, "takes a lock: another processor may hold it, stopped, forever", "BCV0016", Writing),
        new("ExAcquire*", true, "takes a lock (a resource, a fast mutex, a push lock): another thread may hold it", "BCV0016", Writing),
        new("ExEnterCriticalRegion*", true, "enters a critical region, for locks a callback must not take", null, Irql),
        new("IoCallDriver", true, "sends an I/O request: the I/O system is not usable during a bug check", null, Writing),
        new("IoBuild*", true, "builds an I/O request: the I/O system is not usable during a bug check", null, Writing),
        new("Zw*", true, "a system service (files, registry): runs at PASSIVE_LEVEL only", null, Irql),
        new("MmProbeAndLockPages", true, "locks pages: runs at DISPATCH_LEVEL or below and may page in", null, Irql),
        new("MmMapLockedPages*", true, "maps pages: runs at DISPATCH_LEVEL or below", null, Irql),
        new("ObReferenceObjectByName", true, "looks up an object by name: runs at PASSIVE_LEVEL only", null, Irql),
        new("KeGetCurrentIrql", false, "reads the IRQL", null, Irql),
        new("KeStallExecutionProcessor", false, "busy-waits without a thread switch, at any IRQL", null, Irql),
        new("KeQueryPerformanceCounter", false, "reads a counter, at any IRQL", null, Irql),
        new("KeAddTriageDumpDataBlock", false, "adds a block to the triage array, what a triage callback does", null, "Microsoft Learn, KeAddTriageDumpDataBlock"),
        new("KeInitializeTriageDumpDataArray", false, "initializes the triage array", null, "Microsoft Learn, KeInitializeTriageDumpDataArray"),
        new("RtlCopyMemory", false, "copies memory the callback owns", null, Writing),
        new("RtlZeroMemory", false, "zeroes memory the callback owns", null, Writing),
        new("memcpy", false, "copies memory the callback owns", null, Writing),
        new("memmove", false, "copies memory the callback owns", null, Writing),
        new("memset", false, "fills memory the callback owns", null, Writing),
    ];

    /// <summary>Gets the first rule for <paramref name="routine"/>, or null when the table does not say (unknown).</summary>
    /// <param name="routine">An imported routine's name.</param>
    /// <returns>The rule, or null.</returns>
    public static KernelRoutineRule? For(string routine)
    {
        ArgumentNullException.ThrowIfNull(routine);
        return All.FirstOrDefault(rule => rule.Matches(routine));
    }
}
