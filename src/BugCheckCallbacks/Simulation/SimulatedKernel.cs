using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
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
    private const int Hung = 3;
    private static readonly TimeSpan s_hangPoll = TimeSpan.FromMilliseconds(10);

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
    public bool HasBugChecked => Volatile.Read(ref _status) is Done or Hung;

    /// <summary>Gets a value indicating whether a callback of the bug check never returned (<see cref="ViolationKind.CallbackHung"/>): the kernel is unusable.</summary>
    public bool IsHung => Volatile.Read(ref _status) == Hung;

    /// <summary>Bug-checks the simulated machine (<c>KeBugCheckEx</c>) and returns what happened.</summary>
    /// <param name="bugCheckCode">The stop code.</param>
    /// <param name="bugCheckParameter1">The first parameter.</param>
    /// <param name="bugCheckParameter2">The second parameter.</param>
    /// <param name="bugCheckParameter3">The third parameter.</param>
    /// <param name="bugCheckParameter4">The fourth parameter.</param>
    /// <param name="sink">Where the x64 kernel dump goes (<see cref="DumpFileWriter"/>, <see cref="InMemoryDumpSink"/>), or <see langword="null"/> to keep only the outcome.</param>
    /// <returns>The outcome: every call, every violation, the blobs, ranges and final states.</returns>
    /// <exception cref="InvalidOperationException">The kernel has already bug-checked, or is bug-checking on another thread.</exception>
    /// <remarks>
    /// The bug check runs on a thread of its own, as the kernel runs it on the crashing processor; this call waits for
    /// it. A routine still running after <see cref="SimulationOptions.HangTimeout"/> is abandoned with its thread: the
    /// outcome so far is returned with a <see cref="ViolationKind.CallbackHung"/> violation and the kernel is
    /// <see cref="IsHung"/>.
    /// </remarks>
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
            case Done or Hung:
                throw new InvalidOperationException("The simulated kernel has already bug-checked; create a new SimulatedKernel for another bug check.");
        }

        var finished = true;
        try
        {
            var request = new BugCheckRequest(bugCheckCode, bugCheckParameter1, bugCheckParameter2, bugCheckParameter3, bugCheckParameter4, Options.DumpType);
            var run = new BugCheckRun(Options, Callbacks.Snapshot(), request, sink);
            using var freeze = Options.DetectAllocations ? GarbageCollectorFreeze.Enter() : default;
            finished = RunOnItsThread(run, out var outcome, out var failure);
            failure?.Throw();
            return outcome!;
        }
        finally
        {
            // An abandoned thread may still own records and the sink: a hung kernel is done for.
            Volatile.Write(ref _status, finished ? Done : Hung);
        }
    }

    /// <summary>
    /// Runs the bug check on a thread of its own and waits; gives up on it when one routine runs past the hang timeout.
    /// </summary>
    /// <returns><see langword="true"/> when the run finished (its outcome, or the exception it ended with); false when abandoned.</returns>
    private bool RunOnItsThread(BugCheckRun run, out BugCheckOutcome? outcome, out ExceptionDispatchInfo? failure)
    {
        BugCheckOutcome? result = null;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            Volatile.Write(ref _bugCheckThread, Environment.CurrentManagedThreadId); // a KeBugCheckEx from here is nested
            KernelAllocationLedger.Touch(); // a new thread's first thread-static access allocates: not the first callback's doing
            try
            {
                result = run.Run();
            }
            catch (BugCheckRun.RunAbandonedException)
            {
                return; // the caller already returned the outcome; nothing to report
            }
#pragma warning disable CA1031 // Any other exception is the caller's to see, on the caller's thread.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                error = ExceptionDispatchInfo.Capture(exception);
            }

            done.Set();
        })
        {
            IsBackground = true, // an abandoned thread must not keep the process alive
            Name = "Simulated bug check",
        };
        thread.Start();

        var timeout = Options.HangTimeout;
        while (!done.Wait(s_hangPoll))
        {
            if (timeout != Timeout.InfiniteTimeSpan && run.IsHung(timeout) && run.TryAbandon(timeout) is { } abandoned)
            {
                (outcome, failure) = (abandoned, null);
                return false;
            }
        }

        (outcome, failure) = (result, error);
        return true;
    }
}
