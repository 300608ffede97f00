using System.Diagnostics;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents the bookkeeping of one registered reason callback; the managed twin of
/// <c>KBUGCHECK_REASON_CALLBACK_RECORD</c> (wdm.h).
/// </summary>
/// <remarks>
/// Creating the record is <c>KeInitializeCallbackRecord</c>: its <see cref="State"/> is
/// <see cref="BufferDumpState.Empty"/>. Registration fills the other members; they are read-only to callers.
/// </remarks>
[DebuggerDisplay("{Reason} {Component,nq} {State}")]
public sealed class BugCheckReasonCallbackRecord : IRegistryRecord
{
    private RecordStateCell _state;

    /// <summary>Initializes a record in the <see cref="BufferDumpState.Empty"/> state (<c>KeInitializeCallbackRecord</c>).</summary>
    public BugCheckReasonCallbackRecord()
    {
    }

    /// <summary>Gets the record's state (<c>State</c>).</summary>
    public BufferDumpState State => _state.State;

    /// <summary>Gets the reason given at the last registration (<c>Reason</c>); <see cref="BugCheckCallbackReason.Invalid"/> before any.</summary>
    public BugCheckCallbackReason Reason { get; private set; }

    /// <summary>Gets the component name given at the last registration (<c>Component</c>); <see langword="null"/> before any.</summary>
    public string? Component { get; private set; }

    /// <summary>Gets the kernel's checksum of the registration: routine + reason + component addresses (<c>Checksum</c>).</summary>
    public ulong Checksum { get; private set; }

    /// <summary>Gets the simulated address of the callback routine (<c>CallbackRoutine</c>).</summary>
    public ulong CallbackRoutineAddress { get; private set; }

    /// <summary>Gets the simulated address of the component string (<c>Component</c>, the pointer).</summary>
    public ulong ComponentAddress { get; private set; }

    internal BugCheckReasonCallback? Callback { get; private set; }

    internal BugCheckCallbackRegistry? Owner { get; private set; }

    internal ref RecordStateCell StateCell => ref _state;

    /// <inheritdoc/>
    BugCheckCallbackRegistry? IRegistryRecord.Owner => Owner;

    /// <inheritdoc/>
    ref RecordStateCell IRegistryRecord.StateCell => ref _state;

    /// <summary>Whether the stored checksum still matches the registration (the kernel skips a record whose checksum does not).</summary>
    internal bool IsChecksumValid => Checksum == SimulatedAddresses.Checksum(CallbackRoutineAddress, Reason, ComponentAddress);

    /// <summary>Gets the order of registration within the registry: the kernel's list is in this order (newest first).</summary>
    internal long Sequence { get; private set; }

    /// <summary>Fills the record as <c>KeRegisterBugCheckReasonCallback</c> does, at the given simulated addresses.</summary>
    internal void Fill(BugCheckCallbackRegistry owner, BugCheckReasonCallback callback, BugCheckCallbackReason reason, string component, (ulong Routine, ulong Component) addresses, long sequence)
    {
        Owner = owner;
        Callback = callback;
        Reason = reason;
        Component = component;
        CallbackRoutineAddress = addresses.Routine;
        ComponentAddress = addresses.Component;
        Checksum = SimulatedAddresses.Checksum(addresses.Routine, reason, addresses.Component);
        Sequence = sequence;
    }

    /// <summary>Models memory corruption of the record (a stray write over Checksum): the kernel will skip it.</summary>
    internal void CorruptChecksum() => Checksum = ~Checksum;

    // The state changes of a call, in one place: the kernel calls a record only while these say it may.

    /// <summary>Gets whether the kernel would call this record for <paramref name="reason"/> now, under registration <paramref name="generation"/>: Inserted and not finished, that reason, a valid checksum.</summary>
    internal bool CanBeginCall(BugCheckCallbackReason reason, long generation) =>
        _state.IsCallable(generation) && Reason == reason && IsChecksumValid;

    /// <summary>Ends a call: Finished when it returned, Incomplete when it faulted; a record that deregistered itself stays Empty.</summary>
    /// <returns>The record's state afterwards.</returns>
    internal BufferDumpState EndCall(long generation, bool faulted) =>
        _state.Finish(generation, faulted ? BufferDumpState.Incomplete : BufferDumpState.Finished);

    /// <summary>Ends its reason's protocol: a record called and still Inserted becomes Finished.</summary>
    internal void EndProtocol()
    {
        if (_state.IsCallable(out var generation))
        {
            _state.Finish(generation, BufferDumpState.Finished);
        }
    }
}
