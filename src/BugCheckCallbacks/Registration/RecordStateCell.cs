namespace BugCheckCallbacks.Registration;

/// <summary>
/// The state of a callback record, safe to read and change from any thread.
/// </summary>
/// <remarks>
/// Two words. <c>_word</c> holds the raw state and a registration generation and changes only by compare-and-swap
/// (register, deregister, the classic Started path). <c>_mark</c> holds how the current registration's dispatch ended
/// (Finished or Incomplete) stamped with its generation; the dispatcher publishes it with a plain store, so a call costs
/// no atomic instruction. The visible state is the mark when it belongs to the current Inserted registration, else the
/// raw state: a record that deregisters itself during its call stays Empty, and one that registers again is Inserted.
/// </remarks>
internal struct RecordStateCell
{
    private const int GenerationShift = 8;
    private const long StateMask = 0xFF;

    private long _word; // generation << 8 | raw state; generation 0 until the first registration
    private long _mark; // generation << 8 | final state; 0 never matches a registration

    public readonly BufferDumpState State
    {
        get
        {
            var word = Volatile.Read(in _word);
            var raw = (BufferDumpState)(word & StateMask);
            if (raw != BufferDumpState.Inserted)
            {
                return raw;
            }

            var mark = Volatile.Read(in _mark);
            return mark >> GenerationShift == word >> GenerationShift ? (BufferDumpState)(mark & StateMask) : raw;
        }
    }

    /// <summary>Gets the current registration's generation when the record is Inserted and not yet finished; otherwise false.</summary>
    public readonly bool IsCallable(out long generation)
    {
        var word = Volatile.Read(in _word);
        generation = word >> GenerationShift;
        return (BufferDumpState)(word & StateMask) == BufferDumpState.Inserted && Volatile.Read(in _mark) >> GenerationShift != generation;
    }

    /// <summary>Gets the generation of the current registration (the one <see cref="TryRegister"/> just started).</summary>
    public readonly long Generation => Volatile.Read(in _word) >> GenerationShift;

    /// <summary>Gets whether registration <paramref name="generation"/> is still in its list: not deregistered, not registered again.</summary>
    public readonly bool IsRegistration(long generation)
    {
        var word = Volatile.Read(in _word);
        return word >> GenerationShift == generation && (BufferDumpState)(word & StateMask) != BufferDumpState.Empty;
    }

    /// <summary>Gets whether registration <paramref name="generation"/> is Inserted and not yet finished: one compare a word.</summary>
    public readonly bool IsCallable(long generation) =>
        Volatile.Read(in _word) == ((generation << GenerationShift) | (long)BufferDumpState.Inserted) &&
        Volatile.Read(in _mark) >> GenerationShift != generation;

    /// <summary>Moves Empty → Inserted and starts a new generation.</summary>
    public bool TryRegister()
    {
        var word = Volatile.Read(ref _word);
        return (BufferDumpState)(word & StateMask) == BufferDumpState.Empty &&
            Interlocked.CompareExchange(ref _word, (((word >> GenerationShift) + 1) << GenerationShift) | (long)BufferDumpState.Inserted, word) == word;
    }

    /// <summary>Moves Inserted (and not yet finished) → Empty; a record may deregister itself during its call.</summary>
    public bool TryDeregister()
    {
        var word = Volatile.Read(ref _word);
        return IsCallable(out _) && Interlocked.CompareExchange(ref _word, (word & ~StateMask) | (long)BufferDumpState.Empty, word) == word;
    }

    /// <summary>Publishes how the call of registration <paramref name="generation"/> ended, unless that registration is gone.</summary>
    /// <returns>The visible state afterwards: <paramref name="finalState"/>, or the raw state when the registration is gone.</returns>
    public BufferDumpState Finish(long generation, BufferDumpState finalState)
    {
        var word = Volatile.Read(ref _word);
        var raw = (BufferDumpState)(word & StateMask);
        if (word >> GenerationShift != generation || raw != BufferDumpState.Inserted)
        {
            return raw; // deregistered during its call (Empty), or registered again since (a new Inserted generation)
        }

        Volatile.Write(ref _mark, (generation << GenerationShift) | (long)finalState);
        return finalState;
    }

    /// <summary>Makes registration <paramref name="generation"/> callable again after a call that finished it (a single call outside a bug check).</summary>
    public void Reopen(long generation)
    {
        var mark = Volatile.Read(ref _mark);
        if (mark >> GenerationShift == generation)
        {
            Interlocked.CompareExchange(ref _mark, 0, mark);
        }
    }

    /// <summary>Moves the raw state <paramref name="from"/> → <paramref name="to"/> in one step (the classic Started path).</summary>
    public bool TryMove(BufferDumpState from, BufferDumpState to)
    {
        var word = Volatile.Read(ref _word);
        return (from != BufferDumpState.Inserted || IsCallable(out _)) &&
            (BufferDumpState)(word & StateMask) == from &&
            Interlocked.CompareExchange(ref _word, (word & ~StateMask) | (long)to, word) == word;
    }
}
