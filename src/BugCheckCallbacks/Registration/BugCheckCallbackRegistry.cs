using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents the kernel's bug-check callback lists: <c>KeRegisterBugCheckReasonCallback</c>,
/// <c>KeDeregisterBugCheckReasonCallback</c>, <c>KeRegisterBugCheckCallback</c> and <c>KeDeregisterBugCheckCallback</c>
/// with the kernel's rules, and the dispatch of one reason.
/// </summary>
/// <remarks>
/// Thread-safe. Writers take a lock and publish a new array per reason; <see cref="GetCallbacks"/> and
/// <see cref="Snapshot"/> take no lock and copy nothing. Dispatches of one reason are serialized (the kernel runs one bug
/// check at a time) by one compare-and-swap per dispatch; the calls themselves use no atomic instruction and allocate nothing.
/// </remarks>
[DebuggerDisplay("{Count} reason callbacks, {ClassicCount} classic, {Order}")]
public sealed class BugCheckCallbackRegistry
{
    private const int ReasonCount = (int)BugCheckCallbackReason.Reserved3 + 1;

    private readonly Lock _gate = new();
    private readonly DispatchGate[] _dispatchGates = new DispatchGate[ReasonCount];
    private readonly BugCheckReasonCallbackRecord[][] _byReason = new BugCheckReasonCallbackRecord[ReasonCount][];
    private BugCheckCallbackRecord[] _classic = [];
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
            _byReason[i] = [];
        }
    }

    /// <summary>Gets the order of the callbacks within a reason.</summary>
    /// <value><see cref="CallbackOrder.NewestFirst"/> unless given to the constructor.</value>
    public CallbackOrder Order { get; }

    /// <summary>Gets the number of reason records in the lists.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets the number of classic records in the list.</summary>
    public int ClassicCount => Volatile.Read(ref _classic).Length;

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
    public bool Register(BugCheckReasonCallbackRecord record, BugCheckReasonCallback callback, BugCheckCallbackReason reason, string component)
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

                record.Fill(this, callback, reason, component);
                ref var list = ref _byReason[(int)reason];
                Volatile.Write(ref list, Insert(list, record, Order));
                _count++;
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

                ref var list = ref _byReason[(int)record.Reason];
                Volatile.Write(ref list, Remove(list, record));
                _count--;
                return true;
            }
        }
        finally
        {
            KernelAllocationLedger.End(ledger);
        }
    }

    /// <summary>Registers a classic callback (<c>KeRegisterBugCheckCallback</c>).</summary>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine (<c>CallbackRoutine</c>).</param>
    /// <param name="buffer">The buffer the routine fills (<c>Buffer</c>, <c>Length</c>); allocate it before the crash.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns><see langword="true"/> when registered; <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/>, <paramref name="callback"/> or <paramref name="component"/> is null.</exception>
    public bool RegisterClassic(BugCheckCallbackRecord record, BugCheckCallback callback, Memory<byte> buffer, string component)
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

                record.Fill(this, callback, buffer, component);
                Volatile.Write(ref _classic, Insert(_classic, record, Order));
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

                Volatile.Write(ref _classic, Remove(_classic, record));
                return true;
            }
        }
        finally
        {
            KernelAllocationLedger.End(ledger);
        }
    }

    /// <summary>Gets the records of <paramref name="reason"/> in dispatch order; lock-free and allocation-free.</summary>
    /// <param name="reason">A defined reason.</param>
    /// <returns>An immutable view of the records as they are now.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    public ReadOnlySpan<BugCheckReasonCallbackRecord> GetCallbacks(BugCheckCallbackReason reason)
    {
        ThrowIfUndefined(reason);
        return Volatile.Read(ref _byReason[(int)reason]);
    }

    /// <summary>Freezes the lists as they are now, as the kernel does when it stops the other processors.</summary>
    /// <returns>A snapshot that later registrations do not change.</returns>
    public RegistrySnapshot Snapshot()
    {
        var byReason = new BugCheckReasonCallbackRecord[ReasonCount][];
        for (var i = 0; i < ReasonCount; i++)
        {
            byReason[i] = Volatile.Read(ref _byReason[i]);
        }

        return new RegistrySnapshot(byReason, Volatile.Read(ref _classic));
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
    /// The dispatch loop. With <paramref name="finish"/> false a record that returns stays Inserted, as in the middle
    /// of a multi-call protocol (DumpIo sees every write); the benchmarks use that to dispatch the same records repeatedly.
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
            var records = Volatile.Read(ref _byReason[(int)reason]); // the list as it is once this dispatch owns the reason
            var cursor = default(DispatchCursor);
            while (cursor.Index < records.Length)
            {
                try
                {
                    CallFrom(records, reason, data, results, finish, ref cursor);
                }
#pragma warning disable CA1031 // Fault containment is the contract: any exception becomes BufferIncomplete.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    var record = records[cursor.Index];
                    var state = record.StateCell.Finish(cursor.Generation, BufferDumpState.Incomplete);
                    if ((uint)cursor.Called < (uint)results.Length)
                    {
                        results[cursor.Called] = new DispatchResult(record, state, exception);
                    }

                    cursor.Called++;
                    cursor.Index++;
                }
            }

            return cursor.Called;
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>
    /// Calls the eligible records from <see cref="DispatchCursor.Index"/> on, until the end or until a callback throws;
    /// the cursor then names the record that threw. The walk is a method of its own, with no exception handler in it,
    /// because a try inside the loop keeps every loop variable in memory instead of in registers, which cost more than
    /// the calls themselves; the caller re-enters it after each fault.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallFrom(
        BugCheckReasonCallbackRecord[] records,
        BugCheckCallbackReason reason,
        ReasonCallbackData? data,
        Span<DispatchResult> results,
        bool finish,
        ref DispatchCursor cursor)
    {
        var called = cursor.Called;
        for (var index = cursor.Index; index < records.Length; index++)
        {
            var record = records[index];
            if (!TryBeginCall(record, reason, out var generation, out var callback))
            {
                continue;
            }

            cursor = new DispatchCursor(index, called, generation); // what the handler needs if this call throws
            callback(reason, record, data);
            var state = finish ? record.StateCell.Finish(generation, BufferDumpState.Finished) : default;
            if ((uint)called < (uint)results.Length)
            {
                // An unfinished record (finish: false) reports its state as it is now: Inserted, or Empty if it deregistered.
                results[called] = new DispatchResult(record, finish ? state : record.State, null);
            }

            called++;
        }

        cursor = new DispatchCursor(records.Length, called, 0);
    }

    /// <summary>Calls every eligible record of <paramref name="reason"/> once and returns what happened to each.</summary>
    /// <param name="reason">A defined reason.</param>
    /// <param name="data">The reason-specific data passed to every callback, or <see langword="null"/>.</param>
    /// <returns>One result per record called, in call order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    /// <exception cref="InvalidOperationException">A callback of <paramref name="reason"/> dispatches <paramref name="reason"/> again.</exception>
    public DispatchResult[] Dispatch(BugCheckCallbackReason reason, ReasonCallbackData? data)
    {
        var results = new DispatchResult[GetCallbacks(reason).Length];
        var called = Dispatch(reason, data, results);
        return results.AsSpan(0, called).ToArray();
    }

    /// <summary>Gets whether the kernel would call <paramref name="record"/> for <paramref name="reason"/> now, and its generation and routine.</summary>
    internal static bool TryBeginCall(BugCheckReasonCallbackRecord record, BugCheckCallbackReason reason, out long generation, out BugCheckReasonCallback callback)
    {
        callback = null!;
        if (!record.StateCell.IsCallable(out generation) || record.Reason != reason || !record.IsChecksumValid)
        {
            return false;
        }

        callback = record.Callback!;
        return true;
    }

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

    private static T[] Insert<T>(T[] list, T item, CallbackOrder order)
    {
        var next = new T[list.Length + 1];
        if (order == CallbackOrder.NewestFirst)
        {
            next[0] = item;
            list.CopyTo(next, 1);
        }
        else
        {
            list.CopyTo(next, 0);
            next[^1] = item;
        }

        return next;
    }

    private static T[] Remove<T>(T[] list, T item)
        where T : class
    {
        var index = Array.IndexOf(list, item);
        Debug.Assert(index >= 0, "An Inserted record owned by this registry is in its list.");
        var next = new T[list.Length - 1];
        list.AsSpan(0, index).CopyTo(next);
        list.AsSpan(index + 1).CopyTo(next.AsSpan(index));
        return next;
    }
}
