using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents the kernel's bug-check callback lists: <c>KeRegisterBugCheckReasonCallback</c>,
/// <c>KeDeregisterBugCheckReasonCallback</c>, <c>KeRegisterBugCheckCallback</c> and <c>KeDeregisterBugCheckCallback</c>
/// with the kernel's rules, and the dispatch of one reason.
/// </summary>
/// <remarks>
/// Thread-safe. Register and deregister are O(1) (amortized) under a lock, as the kernel's list operations are; a
/// dispatch takes no lock and copies nothing: it walks the list as it was published when the dispatch began. Dispatches
/// of one reason are serialized (the kernel runs one bug check at a time) by one compare-and-swap per dispatch; the calls
/// themselves use no atomic instruction and allocate nothing. <see cref="GetCallbacks"/> and <see cref="Snapshot"/> copy
/// the lists (O(n)).
/// </remarks>
[DebuggerDisplay("{Count} reason callbacks, {ClassicCount} classic, {Order}")]
public sealed class BugCheckCallbackRegistry
{
    private const int ReasonCount = (int)BugCheckCallbackReason.Reserved3 + 1;

    private readonly Lock _gate = new();
    private readonly DispatchGate[] _dispatchGates = new DispatchGate[ReasonCount];
    private readonly CallbackList<BugCheckReasonCallbackRecord>[] _byReason = new CallbackList<BugCheckReasonCallbackRecord>[ReasonCount];
    private readonly CallbackList<BugCheckCallbackRecord> _classic = new(static (record, generation) => record.StateCell.IsRegistration(generation));
    private readonly ImageSlots _images = new();
    private long _sequence;
    private int _count;

    /// <summary>Initializes an empty registry.</summary>
    /// <param name="order">The order of the callbacks within a reason.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined member.</exception>
    public BugCheckCallbackRegistry(CallbackOrder order = CallbackOrder.NewestFirst)
    {
        Order = order switch
        {
            CallbackOrder.NewestFirst or CallbackOrder.OldestFirst => order,
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, $"{(int)order} is not a defined CallbackOrder."),
        };
        for (var i = 0; i < ReasonCount; i++)
        {
            _byReason[i] = new(static (record, generation) => record.StateCell.IsRegistration(generation));
        }
    }

    /// <summary>Gets the order of the callbacks within a reason.</summary>
    /// <value><see cref="CallbackOrder.NewestFirst"/> unless given to the constructor.</value>
    public CallbackOrder Order { get; }

    /// <summary>Gets the number of reason records in the lists.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets the number of classic records in the list.</summary>
    public int ClassicCount => _classic.Count;

    /// <summary>Registers a reason callback (<c>KeRegisterBugCheckReasonCallback</c>).</summary>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine (<c>CallbackRoutine</c>).</param>
    /// <param name="reason">The reason to call it for.</param>
    /// <param name="component">The component name (<c>Component</c>), such as the driver's file name.</param>
    /// <returns>
    /// <see langword="true"/> when registered (the record is then <see cref="BufferDumpState.Inserted"/> and first in its
    /// reason's order under <see cref="CallbackOrder.NewestFirst"/>); <see langword="false"/>, as the kernel returns FALSE,
    /// when the record is not <see cref="BufferDumpState.Empty"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/>, <paramref name="callback"/> or <paramref name="component"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is <see cref="BugCheckCallbackReason.Invalid"/> or not defined.</exception>
    public bool Register(BugCheckReasonCallbackRecord record, BugCheckReasonCallback callback, BugCheckCallbackReason reason, string component) =>
        RegisterCore(record, callback, reason, component, hosted: null);

    /// <summary>
    /// Registers a record that lives in a native driver's memory: its checksum is over the driver's real routine and
    /// component addresses, and no simulated image is handed out for it.
    /// </summary>
    internal bool RegisterHosted(BugCheckReasonCallbackRecord record, BugCheckReasonCallback callback, BugCheckCallbackReason reason, string component, (ulong Routine, ulong Component) addresses) =>
        RegisterCore(record, callback, reason, component, addresses);

    private bool RegisterCore(BugCheckReasonCallbackRecord record, BugCheckReasonCallback callback, BugCheckCallbackReason reason, string component, (ulong Routine, ulong Component)? hosted)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(component);
        ThrowIfUndefined(reason);
        if (reason == BugCheckCallbackReason.Invalid)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "KbCallbackInvalid (0) is not a reason a callback can be registered for.");
        }

        // The registry's own allocations (a new published array) are not the calling callback's.
        var ledger = KernelAllocationLedger.Begin();
        try
        {
            lock (_gate)
            {
                if (!record.StateCell.TryRegister())
                {
                    return false;
                }

                record.Fill(this, callback, reason, component, hosted ?? _images.Next(component), ++_sequence);
                _byReason[(int)reason].Add(record, record.StateCell.Generation);
                Volatile.Write(ref _count, _count + 1);
                return true;
            }
        }
        finally
        {
            KernelAllocationLedger.End(ledger);
        }
    }

    /// <summary>Deregisters a reason callback (<c>KeDeregisterBugCheckReasonCallback</c>); a callback may deregister itself while it runs.</summary>
    /// <param name="record">The record to remove.</param>
    /// <returns>
    /// <see langword="true"/> when removed (the record is then <see cref="BufferDumpState.Empty"/>); <see langword="false"/>
    /// when the record is not <see cref="BufferDumpState.Inserted"/> in this registry.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public bool Deregister(BugCheckReasonCallbackRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Deregister(record, _byReason[(int)record.Reason], counted: true);
    }

    /// <summary>Registers a classic callback (<c>KeRegisterBugCheckCallback</c>).</summary>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine (<c>CallbackRoutine</c>).</param>
    /// <param name="buffer">The buffer the routine fills (<c>Buffer</c>, <c>Length</c>); allocate it before the crash.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns><see langword="true"/> when registered; <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/>, <paramref name="callback"/> or <paramref name="component"/> is null.</exception>
    public bool RegisterClassic(BugCheckCallbackRecord record, BugCheckCallback callback, Memory<byte> buffer, string component) =>
        RegisterClassicCore(record, callback, buffer, component, hosted: null);

    /// <summary>Registers a classic record that lives in a native driver's memory, at the driver's real addresses.</summary>
    internal bool RegisterClassicHosted(BugCheckCallbackRecord record, BugCheckCallback callback, Memory<byte> buffer, string component, (ulong Routine, ulong Buffer, ulong Component) addresses) =>
        RegisterClassicCore(record, callback, buffer, component, addresses);

    private bool RegisterClassicCore(BugCheckCallbackRecord record, BugCheckCallback callback, Memory<byte> buffer, string component, (ulong Routine, ulong Buffer, ulong Component)? hosted)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(component);
        // The registry's own allocations (a new published array) are not the calling callback's.
        var ledger = KernelAllocationLedger.Begin();
        try
        {
            lock (_gate)
            {
                if (!record.StateCell.TryRegister())
                {
                    return false;
                }

                record.Fill(this, callback, buffer, component, hosted ?? ClassicAddresses(component, (uint)buffer.Length), ++_sequence);
                _classic.Add(record, record.StateCell.Generation);
                return true;
            }
        }
        finally
        {
            KernelAllocationLedger.End(ledger);
        }
    }

    /// <summary>Deregisters a classic callback (<c>KeDeregisterBugCheckCallback</c>).</summary>
    /// <param name="record">The record to remove.</param>
    /// <returns><see langword="true"/> when removed; <see langword="false"/> when the record is not <see cref="BufferDumpState.Inserted"/> in this registry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public bool DeregisterClassic(BugCheckCallbackRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Deregister(record, _classic, counted: false);
    }

    /// <summary>Takes <paramref name="record"/> out of <paramref name="list"/> when this registry holds it registered; <paramref name="counted"/>: reason records count in <see cref="Count"/>.</summary>
    private bool Deregister<TRecord>(TRecord record, CallbackList<TRecord> list, bool counted)
        where TRecord : class, IRegistryRecord
    {
        // The registry's own allocations (a new published array) are not the calling callback's.
        var ledger = KernelAllocationLedger.Begin();
        try
        {
            lock (_gate)
            {
                if (record.Owner != this || !record.StateCell.TryDeregister())
                {
                    return false;
                }

                list.Removed();
                if (counted)
                {
                    Volatile.Write(ref _count, _count - 1);
                }

                return true;
            }
        }
        finally
        {
            KernelAllocationLedger.End(ledger);
        }
    }

    /// <summary>Gets the records of <paramref name="reason"/> in dispatch order; lock-free, O(n): a copy of the list as it is now.</summary>
    /// <param name="reason">A defined reason.</param>
    /// <returns>The records as they are now.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    public ReadOnlySpan<BugCheckReasonCallbackRecord> GetCallbacks(BugCheckCallbackReason reason)
    {
        ThrowIfUndefined(reason);
        return _byReason[(int)reason].ToArray(Order);
    }

    /// <summary>Freezes the lists as they are now, as the kernel does when it stops the other processors.</summary>
    /// <returns>A snapshot that later registrations do not change; taking it is O(n).</returns>
    public RegistrySnapshot Snapshot()
    {
        var byReason = new CallbackList<BugCheckReasonCallbackRecord>.Slot[ReasonCount][];
        for (var i = 0; i < ReasonCount; i++)
        {
            byReason[i] = _byReason[i].ToSlots(Order);
        }

        var classic = _classic.ToArray(Order);
        ImageSlot[] images;
        lock (_gate)
        {
            images = _images.ToArray(); // after the lists: every record they hold already has its image
        }

        return new RegistrySnapshot(byReason, classic, images, Order);
    }

    private (ulong Routine, ulong Buffer, ulong Component) ClassicAddresses(string component, uint length)
    {
        var (routine, name) = _images.Next(component);
        return (routine, _images.NextClassicBuffer(length), name);
    }

    /// <summary>
    /// Calls every eligible record of <paramref name="reason"/> once, in order, each inside an exception handler, and
    /// sets its final state; allocates nothing.
    /// </summary>
    /// <param name="reason">A defined reason.</param>
    /// <param name="data">The reason-specific data passed to every callback, or <see langword="null"/>.</param>
    /// <param name="results">Receives one result per record called; records past its length are still called.</param>
    /// <returns>The number of records called.</returns>
    /// <remarks>
    /// A record is eligible while it is <see cref="BufferDumpState.Inserted"/>, has this reason and a valid checksum; the
    /// walk is over the list as it was when the dispatch began, so a record registered by a callback is not called, and
    /// a record deregistered before its turn is skipped.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    /// <exception cref="InvalidOperationException">A callback of <paramref name="reason"/> dispatches <paramref name="reason"/> again.</exception>
    public int Dispatch(BugCheckCallbackReason reason, ReasonCallbackData? data, Span<DispatchResult> results) =>
        DispatchCore(reason, data, results, finish: true);

    /// <summary>
    /// A dispatch: the reason's gate, then the engine's walk of the list as it is once the gate is held. With
    /// <paramref name="finish"/> false a record that returns stays Inserted, as in the middle of a multi-call protocol
    /// (DumpIo sees every write); the benchmarks use that to dispatch the same records repeatedly.
    /// </summary>
    internal int DispatchCore(BugCheckCallbackReason reason, ReasonCallbackData? data, Span<DispatchResult> results, bool finish)
    {
        ThrowIfUndefined(reason);

        // Dispatches of one reason are serialized, as the kernel runs one bug check at a time: a record is never called
        // twice at once, and the per-call path needs no atomic instruction.
        ref var gate = ref _dispatchGates[(int)reason];
        gate.Enter(reason);
        try
        {
            var view = _byReason[(int)reason].Current;
            var observer = new ResultsObserver(data, results);
            return DispatchEngine.Walk(view.Slots.AsSpan(0, view.Count), reverse: Order == CallbackOrder.NewestFirst, reason, finish, ref observer);
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>Calls every eligible record of <paramref name="reason"/> once and returns what happened to each.</summary>
    /// <param name="reason">A defined reason.</param>
    /// <param name="data">The reason-specific data passed to every callback, or <see langword="null"/>.</param>
    /// <returns>One result per record called, in call order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    /// <exception cref="InvalidOperationException">A callback of <paramref name="reason"/> dispatches <paramref name="reason"/> again.</exception>
    public DispatchResult[] Dispatch(BugCheckCallbackReason reason, ReasonCallbackData? data)
    {
        ThrowIfUndefined(reason);
        var results = new DispatchResult[_byReason[(int)reason].Count];
        var called = Dispatch(reason, data, results);
        return results.AsSpan(0, called).ToArray();
    }

    /// <summary>Gets whether a thread waits to dispatch <paramref name="reason"/> while another dispatches it (tests observe the gate).</summary>
    internal bool HasDispatchWaiter(BugCheckCallbackReason reason) => _dispatchGates[(int)reason].HasWaiter;

    internal static void ThrowIfUndefined(BugCheckCallbackReason reason)
    {
        if (!BugCheckReasons.IsDefined(reason))
        {
            ThrowUndefined(reason); // out of line, so the check itself inlines into Dispatch
        }
    }

    [DoesNotReturn]
    private static void ThrowUndefined(BugCheckCallbackReason reason) =>
        throw new ArgumentOutOfRangeException(nameof(reason), reason, $"{(int)reason} is not a defined BugCheckCallbackReason (0..9).");

    /// <summary>The registry dispatch's hook: passes the one data object and records each call's result.</summary>
    private ref struct ResultsObserver(ReasonCallbackData? data, Span<DispatchResult> results) : IDispatchObserver
    {
        private readonly Span<DispatchResult> _results = results;
        private int _called;

        public readonly ReasonCallbackData? BeforeCall(BugCheckReasonCallbackRecord record, int position, int call) => data;

        public bool AfterCall(BugCheckReasonCallbackRecord record, int position, int call, Exception? exception, BufferDumpState state)
        {
            if ((uint)_called < (uint)_results.Length)
            {
                // An unfinished record (finish: false) reports its state as it is now: Inserted, or Empty if it deregistered.
                _results[_called] = new DispatchResult(record, DispatchEngine.StateAfterCall(record, state), exception);
            }

            _called++;
            return false;
        }
    }
}
