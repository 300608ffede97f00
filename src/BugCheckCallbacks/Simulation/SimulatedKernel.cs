using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents a simulated Windows kernel: a callback registry and a bug check (<c>KeBugCheckEx</c>) that drives every
/// reason through its real protocol while a verifier records each contract violation.
/// </summary>
/// <remarks>
/// A kernel bug-checks once, as a real machine does; create a new kernel for the next scenario. A callback that calls
/// <see cref="KeBugCheckEx"/> during the bug check is a nested bug check: it is contained and reported.
/// </remarks>
[DebuggerDisplay("{Callbacks.Count} callbacks, {Options.DumpType} dump, bug-checked: {HasBugChecked}")]
public sealed class SimulatedKernel
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int Done = 2;

    private int _status;
    private int _bugCheckThread; // the thread running the bug check: a KeBugCheckEx from it is nested, from another concurrent

    /// <summary>Initializes a kernel with <paramref name="options"/>, or the defaults.</summary>
    /// <param name="options">The simulation options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The options break one or more rules; the message lists each.</exception>
    public SimulatedKernel(SimulationOptions? options = null)
    {
        Options = options ?? new SimulationOptions();
        Options.Validate();
        Callbacks = new BugCheckCallbackRegistry(Options.Order);
    }

    /// <summary>Gets the options the kernel runs with.</summary>
    public SimulationOptions Options { get; }

    /// <summary>Gets the callback registry (<c>KeRegisterBugCheckReasonCallback</c> and friends).</summary>
    public BugCheckCallbackRegistry Callbacks { get; }

    /// <summary>Gets a value indicating whether the kernel has bug-checked.</summary>
    public bool HasBugChecked => Volatile.Read(ref _status) == Done;

    /// <summary>Bug-checks the simulated machine (<c>KeBugCheckEx</c>) and returns what happened.</summary>
    /// <param name="bugCheckCode">The stop code.</param>
    /// <param name="bugCheckParameter1">The first parameter.</param>
    /// <param name="bugCheckParameter2">The second parameter.</param>
    /// <param name="bugCheckParameter3">The third parameter.</param>
    /// <param name="bugCheckParameter4">The fourth parameter.</param>
    /// <param name="sink">Where the x64 kernel dump goes (<see cref="DumpFileWriter"/>, <see cref="InMemoryDumpSink"/>), or <see langword="null"/> to keep only the outcome.</param>
    /// <returns>The outcome: every call, every violation, the blobs, ranges and final states.</returns>
    /// <exception cref="InvalidOperationException">The kernel has already bug-checked, or is bug-checking on another thread.</exception>
    [SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named after the kernel routine it models.")]
    public BugCheckOutcome KeBugCheckEx(
        uint bugCheckCode,
        ulong bugCheckParameter1 = 0,
        ulong bugCheckParameter2 = 0,
        ulong bugCheckParameter3 = 0,
        ulong bugCheckParameter4 = 0,
        IDumpSink? sink = null)
    {
        switch (Interlocked.CompareExchange(ref _status, Running, Idle))
        {
            case Running when Volatile.Read(ref _bugCheckThread) == Environment.CurrentManagedThreadId:
                // Called from inside a callback: unwind it; the running bug check records the nested stop code.
                throw new NestedBugCheckException(bugCheckCode);
            case Running:
                throw new InvalidOperationException("The simulated kernel is bug-checking on another thread; a kernel bug-checks once, so this call cannot run.");
            case Done:
                throw new InvalidOperationException("The simulated kernel has already bug-checked; create a new SimulatedKernel for another bug check.");
        }

        Volatile.Write(ref _bugCheckThread, Environment.CurrentManagedThreadId);
        try
        {
            var request = new BugCheckRequest(bugCheckCode, bugCheckParameter1, bugCheckParameter2, bugCheckParameter3, bugCheckParameter4, Options.DumpType);
            var run = new BugCheckRun(Options, Callbacks.Snapshot(), request, sink);
            using var freeze = Options.DetectAllocations ? GarbageCollectorFreeze.Enter() : default;
            return run.Run();
        }
        finally
        {
            Volatile.Write(ref _status, Done);
        }
    }
}
