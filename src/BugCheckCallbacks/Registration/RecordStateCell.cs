using System.Diagnostics;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// The atomically updated state of a callback record: the <see cref="BufferDumpState"/>, an "in a call" bit and a
/// registration generation, packed in one word so that every transition is a single compare-and-swap.
/// </summary>
/// <remarks>
/// The record stays <see cref="BufferDumpState.Inserted"/> while it is being called (so it can deregister itself);
/// the in-call bit keeps two concurrent dispatches from calling it twice, and the generation keeps a dispatch from
/// finishing a record that was deregistered and registered again during its call.
/// </remarks>
internal struct RecordStateCell
{
    private const long StateMask = 0xFF;
    private const long InCallBit = 0x100;
    private const int GenerationShift = 16;

    private long _word;

    public readonly BufferDumpState State => (BufferDumpState)(Volatile.Read(in _word) & StateMask);

    public readonly bool IsInCall => (Volatile.Read(in _word) & InCallBit) != 0;

    /// <summary>Moves Empty → Inserted and starts a new generation.</summary>
    public bool TryRegister()
    {
        while (true)
        {
            var word = Volatile.Read(ref _word);
            if ((BufferDumpState)(word & StateMask) != BufferDumpState.Empty)
            {
                return false;
            }

            var generation = (word >> GenerationShift) + 1;
            if (Interlocked.CompareExchange(ref _word, (generation << GenerationShift) | (long)BufferDumpState.Inserted, word) == word)
            {
                return true;
            }
        }
    }

    /// <summary>Moves Inserted → Empty, keeping the in-call bit (a record may deregister itself during its call).</summary>
    public bool TryDeregister() => TryMove(BufferDumpState.Inserted, BufferDumpState.Empty, requireNotInCall: false);

    /// <summary>Claims the record for one call when it is Inserted and not already in a call.</summary>
    public bool TryBeginCall(out long generation)
    {
        while (true)
        {
            var word = Volatile.Read(ref _word);
            generation = word >> GenerationShift;
            if ((BufferDumpState)(word & StateMask) != BufferDumpState.Inserted || (word & InCallBit) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _word, word | InCallBit, word) == word)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Ends a call begun with <see cref="TryBeginCall"/>: clears the in-call bit and, when <paramref name="finalState"/> is
    /// given and the record is still the same Inserted registration, sets it.
    /// </summary>
    public void EndCall(long generation, BufferDumpState? finalState)
    {
        while (true)
        {
            var word = Volatile.Read(ref _word);
            if (word >> GenerationShift != generation)
            {
                return; // deregistered and registered again during the call: that is a new registration, not ours.
            }

            var state = (BufferDumpState)(word & StateMask);
            var next = (word & ~(InCallBit | StateMask)) |
                (long)(finalState is { } final && state == BufferDumpState.Inserted ? final : state);
            if (Interlocked.CompareExchange(ref _word, next, word) == word)
            {
                return;
            }
        }
    }

    /// <summary>Moves <paramref name="from"/> → <paramref name="to"/> in one step (used for the classic Started/Finished path).</summary>
    public bool TryMove(BufferDumpState from, BufferDumpState to, bool requireNotInCall = true)
    {
        Debug.Assert(to != BufferDumpState.Inserted, "Registration goes through TryRegister.");
        while (true)
        {
            var word = Volatile.Read(ref _word);
            if ((BufferDumpState)(word & StateMask) != from || (requireNotInCall && (word & InCallBit) != 0))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _word, (word & ~StateMask) | (long)to, word) == word)
            {
                return true;
            }
        }
    }

    /// <summary>Gets the registration generation (incremented by every successful register).</summary>
    public readonly long Generation => Volatile.Read(in _word) >> GenerationShift;
}
