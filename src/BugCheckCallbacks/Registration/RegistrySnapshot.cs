namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents the registry frozen at one moment: the ordered callbacks of every reason and the classic callbacks.
/// Taking it costs no copy, because the registry never changes an array it has published.
/// </summary>
public sealed class RegistrySnapshot
{
    private readonly BugCheckReasonCallbackRecord[][] _byReason;
    private readonly BugCheckCallbackRecord[] _classic;

    internal RegistrySnapshot(BugCheckReasonCallbackRecord[][] byReason, BugCheckCallbackRecord[] classic)
    {
        _byReason = byReason;
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

    /// <summary>Gets the classic records in dispatch order.</summary>
    public ReadOnlySpan<BugCheckCallbackRecord> ClassicCallbacks => _classic;
}
