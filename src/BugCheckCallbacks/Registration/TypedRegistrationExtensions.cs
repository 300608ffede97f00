namespace BugCheckCallbacks.Registration;

/// <summary>
/// Registers reason callbacks typed for their reason's data (<c>KeRegisterBugCheckReasonCallback</c> with the reason
/// fixed), so a routine gets <see cref="SecondaryDumpData"/>, <see cref="AddPagesData"/> and the rest without a cast.
/// </summary>
/// <remarks>
/// Each method registers through <see cref="BugCheckCallbackRegistry.Register"/> with the same rules, results and
/// exceptions; the untyped form stays for tools that dispatch any reason. The wrapper is made once, at registration: a
/// call allocates nothing more than the routine itself does.
/// </remarks>
public static class TypedRegistrationExtensions
{
    /// <summary>Registers a <c>KbCallbackReserved1</c> routine, called first and with no data.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine; it gets its record.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns>What <see cref="BugCheckCallbackRegistry.Register"/> returns: <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool RegisterReserved1(this BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, Action<BugCheckReasonCallbackRecord> callback, string component)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(callback);
        return registry.Register(record, Untyped(callback), BugCheckCallbackReason.Reserved1, component);
    }

    /// <summary>Registers a <c>KbCallbackSecondaryDumpData</c> routine; it gets <c>KBUGCHECK_SECONDARY_DUMP_DATA</c>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns>What <see cref="BugCheckCallbackRegistry.Register"/> returns: <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool RegisterSecondaryDumpData(this BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, BugCheckReasonCallback<SecondaryDumpData> callback, string component) =>
        Register(registry, record, callback, BugCheckCallbackReason.SecondaryDumpData, component);

    /// <summary>Registers a <c>KbCallbackSecondaryMultiPartDumpData</c> routine; it gets <c>KBUGCHECK_SECONDARY_DUMP_DATA_EX</c>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns>What <see cref="BugCheckCallbackRegistry.Register"/> returns: <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool RegisterSecondaryMultiPartDumpData(this BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, BugCheckReasonCallback<SecondaryDumpDataEx> callback, string component) =>
        Register(registry, record, callback, BugCheckCallbackReason.SecondaryMultiPartDumpData, component);

    /// <summary>Registers a <c>KbCallbackDumpIo</c> routine; it gets <c>KBUGCHECK_DUMP_IO</c>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns>What <see cref="BugCheckCallbackRegistry.Register"/> returns: <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool RegisterDumpIo(this BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, BugCheckReasonCallback<DumpIoData> callback, string component) =>
        Register(registry, record, callback, BugCheckCallbackReason.DumpIo, component);

    /// <summary>Registers a <c>KbCallbackAddPages</c> routine; it gets <c>KBUGCHECK_ADD_PAGES</c>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns>What <see cref="BugCheckCallbackRegistry.Register"/> returns: <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool RegisterAddPages(this BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, BugCheckReasonCallback<AddPagesData> callback, string component) =>
        Register(registry, record, callback, BugCheckCallbackReason.AddPages, component);

    /// <summary>Registers a <c>KbCallbackRemovePages</c> routine; it gets <c>KBUGCHECK_REMOVE_PAGES</c>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns>What <see cref="BugCheckCallbackRegistry.Register"/> returns: <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool RegisterRemovePages(this BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, BugCheckReasonCallback<RemovePagesData> callback, string component) =>
        Register(registry, record, callback, BugCheckCallbackReason.RemovePages, component);

    /// <summary>Registers a <c>KbCallbackTriageDumpData</c> routine; it gets <c>KBUGCHECK_TRIAGE_DUMP_DATA</c>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="record">A record in the <see cref="BufferDumpState.Empty"/> state.</param>
    /// <param name="callback">The routine.</param>
    /// <param name="component">The component name (<c>Component</c>).</param>
    /// <returns>What <see cref="BugCheckCallbackRegistry.Register"/> returns: <see langword="false"/> when the record is not <see cref="BufferDumpState.Empty"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool RegisterTriageDumpData(this BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, BugCheckReasonCallback<TriageDumpData> callback, string component) =>
        Register(registry, record, callback, BugCheckCallbackReason.TriageDumpData, component);

    private static bool Register<TData>(BugCheckCallbackRegistry registry, BugCheckReasonCallbackRecord record, BugCheckReasonCallback<TData> callback, BugCheckCallbackReason reason, string component)
        where TData : ReasonCallbackData
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(callback);
        return registry.Register(record, Untyped(callback, reason), reason, component);
    }

    /// <summary>The untyped routine the kernel calls for a typed one: it hands over the structure uncast.</summary>
    internal static BugCheckReasonCallback Untyped<TData>(BugCheckReasonCallback<TData> callback, BugCheckCallbackReason reason)
        where TData : ReasonCallbackData =>
        (_, rec, data) => callback(rec, data as TData ?? throw WrongData<TData>(reason, data));

    /// <summary>The untyped routine the kernel calls for a Reserved1 one, which receives no structure.</summary>
    internal static BugCheckReasonCallback Untyped(Action<BugCheckReasonCallbackRecord> callback) => (_, rec, _) => callback(rec);

    // Only a tool dispatching the registry by hand with the wrong structure gets here; the simulated kernel never does.
    private static InvalidOperationException WrongData<TData>(BugCheckCallbackReason reason, ReasonCallbackData? data) =>
        new($"A {reason} routine registered for {typeof(TData).Name} was called with {data?.GetType().Name ?? "no data"}.");
}
