namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents the registry frozen at one moment: the ordered callbacks of every reason and the classic callbacks.
/// </summary>
public sealed class RegistrySnapshot
{
    private readonly CallbackList<BugCheckReasonCallbackRecord>.Slot[][] _slots;
    private readonly BugCheckReasonCallbackRecord[][] _byReason;
    private readonly BugCheckCallbackRecord[] _classic;

    internal RegistrySnapshot(CallbackList<BugCheckReasonCallbackRecord>.Slot[][] slots, BugCheckCallbackRecord[] classic, ImageSlot[]? images = null, CallbackOrder order = CallbackOrder.NewestFirst)
    {
        Images = images ?? [];
        Order = order;
        _slots = slots;
        _byReason = Array.ConvertAll(slots, list => Array.ConvertAll(list, slot => slot.Record));
        _classic = classic;
    }

    /// <summary>Gets the records of <paramref name="reason"/> in dispatch order, as they were when the snapshot was taken.</summary>
    /// <param name="reason">A defined reason.</param>
    /// <returns>The records, in dispatch order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    public ReadOnlySpan<BugCheckReasonCallbackRecord> GetCallbacks(BugCheckCallbackReason reason)
    {
        BugCheckCallbackRegistry.ThrowIfUndefined(reason);
        return _byReason[(int)reason];
    }

    /// <summary>A snapshot holding only <paramref name="record"/>, under registration <paramref name="generation"/>: what one call of it walks.</summary>
    internal static RegistrySnapshot Of(BugCheckReasonCallbackRecord record, long generation)
    {
        var slots = new CallbackList<BugCheckReasonCallbackRecord>.Slot[(int)BugCheckCallbackReason.Reserved3 + 1][];
        Array.Fill(slots, []);
        slots[(int)record.Reason] = [new(record, generation)];
        return new RegistrySnapshot(slots, []);
    }

    /// <summary>Gets the module images the registry had handed out when the snapshot was taken.</summary>
    internal ImageSlot[] Images { get; }

    /// <summary>Gets the order of the registry's lists.</summary>
    internal CallbackOrder Order { get; }

    /// <summary>Gets the registrations of <paramref name="reason"/>, in dispatch order, for the engine to walk.</summary>
    internal ReadOnlySpan<CallbackList<BugCheckReasonCallbackRecord>.Slot> GetSlots(BugCheckCallbackReason reason) => _slots[(int)reason];

    /// <summary>Gets the classic records in dispatch order.</summary>
    public ReadOnlySpan<BugCheckCallbackRecord> ClassicCallbacks => _classic;
}
