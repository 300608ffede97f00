using System.Diagnostics;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents the bookkeeping of one registered classic bug-check callback; the managed twin of
/// <c>KBUGCHECK_CALLBACK_RECORD</c> (wdm.h), used with <c>KeRegisterBugCheckCallback</c>.
/// </summary>
/// <remarks>Creating the record is <c>KeInitializeCallbackRecord</c>: its <see cref="State"/> is <see cref="BufferDumpState.Empty"/>.</remarks>
[DebuggerDisplay("classic {Component,nq} {State}")]
public sealed class BugCheckCallbackRecord : IRegistryRecord
{
    private RecordStateCell _state;

    /// <summary>Initializes a record in the <see cref="BufferDumpState.Empty"/> state (<c>KeInitializeCallbackRecord</c>).</summary>
    public BugCheckCallbackRecord()
    {
    }

    /// <summary>Gets the record's state (<c>State</c>).</summary>
    public BufferDumpState State => _state.State;

    /// <summary>Gets the buffer given at registration (<c>Buffer</c>); it lives in memory only, never in the dump file.</summary>
    public Memory<byte> Buffer { get; private set; }

    /// <summary>Gets the length of <see cref="Buffer"/> in bytes (<c>Length</c>).</summary>
    public uint Length => (uint)Buffer.Length;

    /// <summary>Gets the component name given at registration (<c>Component</c>).</summary>
    public string? Component { get; private set; }

    /// <summary>Gets the checksum of the registration over the simulated routine, buffer and component addresses (<c>Checksum</c>).</summary>
    public ulong Checksum { get; private set; }

    internal BugCheckCallback? Callback { get; private set; }

    internal BugCheckCallbackRegistry? Owner { get; private set; }

    internal ref RecordStateCell StateCell => ref _state;

    /// <inheritdoc/>
    BugCheckCallbackRegistry? IRegistryRecord.Owner => Owner;

    /// <inheritdoc/>
    ref RecordStateCell IRegistryRecord.StateCell => ref _state;

    /// <summary>Gets the simulated address of the routine (<c>CallbackRoutine</c>).</summary>
    internal ulong CallbackRoutineAddress { get; private set; }

    /// <summary>Gets the simulated address of the buffer (<c>Buffer</c>); no dump holds the buffer.</summary>
    internal ulong BufferAddress { get; private set; }

    /// <summary>Gets the simulated address of the component name (<c>Component</c>).</summary>
    internal ulong ComponentAddress { get; private set; }

    /// <summary>Gets the order of registration within the registry.</summary>
    internal long Sequence { get; private set; }

    /// <summary>Fills the record as <c>KeRegisterBugCheckCallback</c> does, at the given simulated addresses.</summary>
    internal void Fill(BugCheckCallbackRegistry owner, BugCheckCallback callback, Memory<byte> buffer, string component, (ulong Routine, ulong Buffer, ulong Component) addresses, long sequence)
    {
        Owner = owner;
        Callback = callback;
        Buffer = buffer;
        Component = component;
        CallbackRoutineAddress = addresses.Routine;
        BufferAddress = addresses.Buffer;
        ComponentAddress = addresses.Component;
        Checksum = SimulatedAddresses.Checksum(addresses.Routine, addresses.Buffer, (uint)buffer.Length, addresses.Component);
        Sequence = sequence;
    }

    // The state changes of a classic call, in one place: Inserted, Started while the routine runs, then Finished or Incomplete.

    /// <summary>Moves Inserted → Started when the kernel calls this record; false when it is not Inserted.</summary>
    internal bool BeginClassicCall() => _state.TryMove(BufferDumpState.Inserted, BufferDumpState.Started);

    /// <summary>Moves Started → Finished, or Incomplete when the routine threw.</summary>
    internal void EndClassicCall(bool faulted) => _state.TryMove(BufferDumpState.Started, faulted ? BufferDumpState.Incomplete : BufferDumpState.Finished);
}
