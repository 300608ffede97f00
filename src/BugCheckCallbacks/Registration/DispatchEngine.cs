using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// The one dispatch engine: the kernel's walk of a callback list. Every call the registry's dispatch and the simulated
/// kernel make goes through <see cref="Walk"/>, and the benchmarks measure it.
/// </summary>
/// <remarks>
/// A record is called when its registration is the slot's, it is Inserted and not finished, it has the walk's reason and
/// its checksum matches. Each call runs inside an exception handler; a record that returns is finished (when
/// <c>finish</c>) or called again while the observer asks; one that throws becomes Incomplete and the walk goes on. The
/// loop lives in a method of its own with no handler in it (the handler's cost was keeping every loop variable in
/// memory); the handler re-enters it after a fault. It allocates nothing.
/// </remarks>
internal static class DispatchEngine
{
    /// <summary>
    /// The state an observer is given after a call of a walk that does not finish records: not computed, because the
    /// record is still Inserted unless the routine deregistered it; an observer that needs it reads <c>record.State</c>.
    /// </summary>
    public const BufferDumpState StateNotFinished = (BufferDumpState)0xFF;

    /// <summary>The state a call left <paramref name="record"/> in: <paramref name="state"/>, or the record's own when the walk did not compute it.</summary>
    public static BufferDumpState StateAfterCall(BugCheckReasonCallbackRecord record, BufferDumpState state) =>
        state == StateNotFinished ? record.State : state;

    /// <summary>Walks <paramref name="slots"/> (last to first when <paramref name="reverse"/>) and calls each eligible record.</summary>
    /// <returns>The number of calls made.</returns>
    public static int Walk<TObserver>(ReadOnlySpan<CallbackList<BugCheckReasonCallbackRecord>.Slot> slots, bool reverse, BugCheckCallbackReason reason, bool finish, ref TObserver observer)
        where TObserver : struct, IDispatchObserver, allows ref struct
    {
        var cursor = default(DispatchCursor);
        while (cursor.Index < slots.Length)
        {
            try
            {
                CallFrom(slots, reverse, reason, finish, ref observer, ref cursor);
            }
#pragma warning disable CA1031 // Fault containment is the contract: any exception a routine raises becomes BufferIncomplete.
            catch (Exception exception) when (cursor.InRoutine)
#pragma warning restore CA1031
            {
                var record = slots[reverse ? slots.Length - 1 - cursor.Index : cursor.Index].Record;
                var state = record.EndCall(cursor.Generation, faulted: true);
                cursor = cursor with { InRoutine = false, Called = cursor.Called + 1 };
                observer.AfterCall(record, cursor.Index, cursor.Call, exception, state);
                cursor = cursor with { Index = cursor.Index + 1, Call = 0 };
            }
        }

        return cursor.Called;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallFrom<TObserver>(
        ReadOnlySpan<CallbackList<BugCheckReasonCallbackRecord>.Slot> slots,
        bool reverse,
        BugCheckCallbackReason reason,
        bool finish,
        ref TObserver observer,
        ref DispatchCursor cursor)
        where TObserver : struct, IDispatchObserver, allows ref struct
    {
        var called = cursor.Called;
        var count = slots.Length;
        for (var index = cursor.Index; index < count; index++)
        {
            ref readonly var slot = ref slots[reverse ? count - 1 - index : index];
            var record = slot.Record;
            var generation = slot.Generation;
            for (var call = 1; record.CanBeginCall(reason, generation); call++)
            {
                var data = observer.BeforeCall(record, index, call);
                cursor = new DispatchCursor(index, called, generation, call, InRoutine: true); // what the handler needs if the routine throws
                record.Callback!(reason, record, data);
                cursor.InRoutine = false; // from here on an exception is the observer's, and propagates
                var state = finish ? record.EndCall(generation, faulted: false) : StateNotFinished;
                called++;
                if (!observer.AfterCall(record, index, call, null, state))
                {
                    break;
                }
            }
        }

        cursor = new DispatchCursor(count, called, 0, 0, InRoutine: false);
    }

    /// <summary>
    /// Walks the classic callbacks after the dump is written: each Inserted record becomes Started, its routine fills
    /// its buffer inside an exception handler, and it ends Finished, or Incomplete when it threw.
    /// </summary>
    /// <returns>The number of calls made.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Fault containment is the contract: any exception a routine raises becomes BufferIncomplete.")]
    public static int WalkClassic<TObserver>(ReadOnlySpan<BugCheckCallbackRecord> records, ref TObserver observer)
        where TObserver : struct, IClassicDispatchObserver, allows ref struct
    {
        var called = 0;
        for (var position = 0; position < records.Length; position++)
        {
            var record = records[position];
            if (!record.BeginClassicCall())
            {
                continue;
            }

            observer.BeforeCall(record, position);
            Exception? fault = null;
            try
            {
                record.Callback!(record.Buffer.Span);
            }
            catch (Exception exception)
            {
                fault = exception;
            }

            record.EndClassicCall(faulted: fault is not null);
            called++;
            observer.AfterCall(record, position, fault);
        }

        return called;
    }
}
