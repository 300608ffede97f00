using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// Serializes the dispatches of one reason and refuses a reentrant one, for the price of one compare-and-swap to enter
/// and a plain store to leave.
/// </summary>
/// <remarks>
/// A <see cref="Lock"/> did the same job at a higher price (it also tracks recursion and waiters): a dispatch of one
/// record with no results took 20.6 ns with it and 13.0 ns with this gate (docs/performance.md). Contention here means two threads dispatching one reason at once, which the kernel
/// never does (one bug check at a time), so waiting only needs to be correct, not fast.
/// </remarks>
internal struct DispatchGate
{
    private int _owner; // the managed thread id of the dispatching thread; 0 when no dispatch is running
    private int _waiting; // threads waiting in EnterContended: lets a test see that a second dispatch is at the gate

    /// <summary>Gets whether a thread is waiting for the gate.</summary>
    public readonly bool HasWaiter => Volatile.Read(in _waiting) > 0;

    /// <summary>Waits until no other thread dispatches, then owns the gate.</summary>
    /// <exception cref="InvalidOperationException">The calling thread already owns it: a callback dispatches its own reason.</exception>
    public void Enter(BugCheckCallbackReason reason)
    {
        var thread = Environment.CurrentManagedThreadId;
        if (Interlocked.CompareExchange(ref _owner, thread, 0) != 0)
        {
            EnterContended(thread, reason);
        }
    }

    /// <summary>Releases the gate with a release store, which publishes everything done under it to the next owner.</summary>
    public void Exit() => Volatile.Write(ref _owner, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended(int thread, BugCheckCallbackReason reason)
    {
        if (Volatile.Read(ref _owner) == thread)
        {
            throw new InvalidOperationException($"A {reason} callback cannot dispatch {reason} again while it is being called.");
        }

        Interlocked.Increment(ref _waiting);
        var spinner = default(SpinWait);
        while (Interlocked.CompareExchange(ref _owner, thread, 0) != 0)
        {
            spinner.SpinOnce(); // yields, then sleeps, once spinning stops paying
        }

        Interlocked.Decrement(ref _waiting);
    }
}
