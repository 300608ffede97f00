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

    [ThreadStatic]
    private static SimulatedKernel? t_current;

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

    /// <summary>Gets what another part adds to the kernel (Native's drivers), created with its first use.</summary>
    internal IKernelExtension? Extension { get; set; }

    /// <summary>Gets a value indicating whether the kernel has bug-checked.</summary>
    public bool HasBugChecked => Volatile.Read(ref _status) is Done or Hung;

    /// <summary>Gets the kernel whose callback is running on this thread, or <see langword="null"/> outside a callback.</summary>
    /// <remarks>
    /// A routine calls kernel routines without naming a kernel, as a driver calls <c>KeBugCheckEx</c>: this is how it reaches
    /// the one calling it, for instance <c>SimulatedKernel.Current!.KeBugCheckEx(...)</c> to model a nested bug check.
    /// </remarks>
    public static SimulatedKernel? Current => t_current;

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
                throw new NestedBugCheckException(new(bugCheckCode, bugCheckParameter1, bugCheckParameter2, bugCheckParameter3, bugCheckParameter4));
            case Running:
                throw new InvalidOperationException("The simulated kernel is bug-checking on another thread; a kernel bug-checks once, so this call cannot run.");
            case Done or Hung:
                throw new InvalidOperationException("The simulated kernel has already bug-checked; create a new SimulatedKernel for another bug check.");
        }

        var finished = true;
        try
        {
            var request = new BugCheckRequest(new(bugCheckCode, bugCheckParameter1, bugCheckParameter2, bugCheckParameter3, bugCheckParameter4), Options.DumpType);
            Extension?.BeforeRun();
            var run = new BugCheckRun(Extension?.OptionsFor(Options) ?? Options, Callbacks.Snapshot(), request, sink);
            finished = RunOnItsThread(run, run.Run, run.BuildOutcome, out var outcome, out var failure);
            if (finished)
            {
                Extension?.AfterRun();
            }

            failure?.Throw();
            return outcome!;
        }
        finally
        {
            // An abandoned thread may still own records and the sink: a hung kernel is done for.
            Volatile.Write(ref _status, finished ? Done : Hung);
        }
    }

    /// <summary>Gets whether a bug check or a single call is running now.</summary>
    internal bool IsRunning => Volatile.Read(ref _status) == Running;

    /// <summary>
    /// Calls one registered callback once with <paramref name="data"/>, the structure as the kernel would hand it over
    /// (built with <see cref="SecondaryDumpData.ForDataPass"/>, <see cref="AddPagesData.ForCall"/> and the like), and
    /// returns what it set and what the verifier thinks of the call.
    /// </summary>
    /// <typeparam name="TData">The reason's structure.</typeparam>
    /// <param name="record">A record registered with <see cref="Callbacks"/> for the reason <paramref name="data"/> belongs to, and still Inserted.</param>
    /// <param name="data">The structure to hand over: <see cref="SecondaryDumpData"/> for SecondaryDumpData, <see cref="SecondaryDumpDataEx"/> for SecondaryMultiPartDumpData, and so on.</param>
    /// <returns>The call, its violations, what the kernel accepted, and <paramref name="data"/> as the callback left it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> or <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="record"/> is not registered here, not Inserted, registered for another reason than <paramref name="data"/>'s, or its checksum no longer matches (the kernel skips it).</exception>
    /// <exception cref="InvalidOperationException">The kernel has bug-checked or is running a call or bug check.</exception>
    /// <remarks>
    /// The call runs as in a bug check (its own thread, <see cref="Current"/> set, the time budget, allocation detection, hang
    /// timeout) but is not one: the kernel stays usable and the record is Inserted again afterwards. A call that hangs makes
    /// the kernel <see cref="IsHung"/>, as in a bug check.
    /// </remarks>
    public CallOutcome<TData> Invoke<TData>(BugCheckReasonCallbackRecord record, TData data)
        where TData : ReasonCallbackData
    {
        ArgumentNullException.ThrowIfNull(data);
        return new CallOutcome<TData>(InvokeCore(record, data), data);
    }

    /// <summary>Calls one registered <see cref="BugCheckCallbackReason.Reserved1"/> callback once (it receives no structure) and returns what the verifier thinks of the call.</summary>
    /// <param name="record">A record registered with <see cref="Callbacks"/> for Reserved1, and still Inserted.</param>
    /// <returns>The call and its violations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="record"/> is not registered here for Reserved1, or not Inserted.</exception>
    /// <exception cref="InvalidOperationException">The kernel has bug-checked or is running a call or bug check.</exception>
    public CallOutcome Invoke(BugCheckReasonCallbackRecord record) => InvokeCore(record, null);

    private CallOutcome InvokeCore(BugCheckReasonCallbackRecord record, ReasonCallbackData? data)
    {
        ArgumentNullException.ThrowIfNull(record);
        var reason = data is null ? BugCheckCallbackReason.Reserved1 : ReasonCallbackData.ReasonFor(data.GetType())!.Value;
        if (!ReferenceEquals(record.Owner, Callbacks) || !record.StateCell.IsCallable(out var generation))
        {
            var where = record.Owner is null || ReferenceEquals(record.Owner, Callbacks) ? string.Empty : " in another kernel's registry";
            throw new ArgumentException($"The record must be registered with this kernel's Callbacks and Inserted; it is {record.State}{where}.", nameof(record));
        }

        if (record.Reason != reason)
        {
            throw new ArgumentException($"The record is registered for {record.Reason}, but {(data is null ? "no structure" : data.GetType().Name)} is handed to {reason} routines.", nameof(data));
        }

        Extension?.BeforeRun();
        if (!record.IsChecksumValid)
        {
            throw new ArgumentException("The record's checksum no longer matches its registration (its memory was overwritten); the kernel skips it.", nameof(record));
        }

        switch (Interlocked.CompareExchange(ref _status, Running, Idle))
        {
            case Running:
                throw new InvalidOperationException("The simulated kernel is running a callback or a bug check; call one callback at a time.");
            case Done or Hung:
                throw new InvalidOperationException("The simulated kernel has already bug-checked; create a new SimulatedKernel to call a callback.");
        }

        var finished = true;
        try
        {
            var request = new BugCheckRequest(default, Options.DumpType);
            var run = new BugCheckRun((Extension?.OptionsFor(Options) ?? Options) with { Log = InvocationLog.All }, RegistrySnapshot.Of(record, generation), request, sink: null);
            finished = RunOnItsThread(run, () => run.RunSingleCall(record, data), run.AbandonedSingleCall, out var outcome, out var failure);
            failure?.Throw();
            if (finished)
            {
                record.StateCell.Reopen(generation); // a probe, not a bug check: the record can be called again
                Extension?.AfterRun();
            }

            return outcome!;
        }
        finally
        {
            Volatile.Write(ref _status, finished ? Idle : Hung);
        }
    }

    /// <summary>
    /// Stops a native routine that ran past the hang timeout (docs/native.md, "When a routine hangs"): its driver's glue
    /// signals the thread, which unwinds to the trampoline when the signal finds it in the driver's own code; sent again
    /// until it does, for up to 5 s. The abandoned run then ends its thread.
    /// </summary>
    /// <returns>True when the thread ended; false when no native routine was running (a managed one cannot be stopped) or it would not stop.</returns>
    private bool InterruptHungRoutine(Thread thread)
    {
        var asked = false;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (Extension?.InterruptRoutine() != true)
            {
                // None running: a managed routine (nothing to ask), or the one asked has just left its code.
                return asked && thread.Join(1000);
            }

            asked = true;
            if (thread.Join(50))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Runs the bug check on a thread of its own and waits; gives up on it when one routine runs past the hang timeout.
    /// </summary>
    /// <returns><see langword="true"/> when the run finished (its outcome, or the exception it ended with); false when abandoned.</returns>
    private bool RunOnItsThread<T>(BugCheckRun run, Func<T> body, Func<T> abandoned, out T? outcome, out ExceptionDispatchInfo? failure)
        where T : class
    {
        T? result = null;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            Volatile.Write(ref _bugCheckThread, Environment.CurrentManagedThreadId); // a KeBugCheckEx from here is nested
            t_current = this;
            KernelAllocationLedger.Touch(); // a new thread's first thread-static access allocates: not the first callback's doing
            Extension?.OnThreadStart();
            try
            {
                result = body();
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
            if (timeout != Timeout.InfiniteTimeSpan && run.IsHung(timeout) && run.TryAbandon(timeout))
            {
                if (InterruptHungRoutine(thread))
                {
                    run.NoteHungThreadReleased();
                }

                (outcome, failure) = (abandoned(), null);
                return false;
            }
        }

        (outcome, failure) = (result, error);
        return true;
    }
}
