using System.Diagnostics;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// Represents the bookkeeping of one registered classic bug-check callback; the managed twin of
/// <c>KBUGCHECK_CALLBACK_RECORD</c> (wdm.h), used with <c>KeRegisterBugCheckCallback</c>.
/// </summary>
/// <remarks>Creating the record is <c>KeInitializeCallbackRecord</c>: its <see cref="State"/> is <see cref="BufferDumpState.Empty"/>.</remarks>
[DebuggerDisplay("classic {Component,nq} {State}")]
public sealed class BugCheckCallbackRecord
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

    internal void Fill(BugCheckCallbackRegistry owner, BugCheckCallback callback, Memory<byte> buffer, string component)
    {
        var (routine, componentAddress) = SimulatedAddresses.Next();
        Owner = owner;
        Callback = callback;
        Buffer = buffer;
        Component = component;
        Checksum = SimulatedAddresses.Checksum(routine, componentAddress + 0x80, (uint)buffer.Length, componentAddress);
    }

    // The state changes of a classic call, in one place: Inserted, Started while the routine runs, then Finished or Incomplete.

    /// <summary>Moves Inserted → Started when the kernel calls this record; false when it is not Inserted.</summary>
    internal bool BeginClassicCall() => _state.TryMove(BufferDumpState.Inserted, BufferDumpState.Started);

    /// <summary>Moves Started → Finished, or Incomplete when the routine threw.</summary>
    internal void EndClassicCall(bool faulted) => _state.TryMove(BufferDumpState.Started, faulted ? BufferDumpState.Incomplete : BufferDumpState.Finished);
}
